using System.Text.RegularExpressions;

namespace OpenTrain.Clean.Bench.Driver;

/// <summary>
/// Summarizes two Linux perf profiles of the API under load (<c>perf script -F comm,ip,sym,dso</c>):
/// one with frame-pointer call graphs (managed frames are named through the runtime's perf map,
/// so managed callers are complete) and one with DWARF call graphs (native SQLite frames unwind,
/// so its time splits into preparing statements and stepping through them). Each figure is a share
/// of all CPU samples of the process.
/// </summary>
internal static partial class PerfSummary
{
    public static int Run(Args args)
    {
        var prefix = args.Get("prefix");
        var fp = Load(args.Get("fp"));
        var dwarf = Load(args.Get("dwarf"));
        if (fp.Count == 0 || dwarf.Count == 0)
        {
            Figures.Log("perf-summary: no samples");
            return 1;
        }

        Figures.Print($"{prefix}.samples", fp.Count, "samples", 0);

        // Where the CPU was when sampled (self time), by module.
        Figures.Print($"{prefix}.self.managed_code", Share(fp, s => s.LeafModule is "jit"), "%");
        Figures.Print($"{prefix}.self.sqlite_native", Share(fp, s => s.LeafModule is "sqlite"), "%");
        Figures.Print($"{prefix}.self.libc_malloc_locks", Share(fp, s => s.LeafModule is "libc"), "%");
        Figures.Print($"{prefix}.self.runtime_coreclr", Share(fp, s => s.LeafModule is "coreclr"), "%");
        Figures.Print($"{prefix}.self.jit_compiler", Share(fp, s => s.LeafModule is "clrjit"), "%");
        Figures.Print($"{prefix}.self.kernel", Share(fp, s => s.LeafModule is "kernel"), "%");
        Figures.Print($"{prefix}.gc_threads", Share(fp, s => s.Thread.Contains("GC", StringComparison.Ordinal)), "%");

        // Native SQLite, split by what it was doing (DWARF unwinding through libe_sqlite3).
        Figures.Print($"{prefix}.sqlite.prepare", Share(dwarf, s => s.Has(PrepareFrame())), "%");
        Figures.Print($"{prefix}.sqlite.step", Share(dwarf, s => s.Has(StepFrame())), "%");
        Figures.Print($"{prefix}.sqlite.all", Share(dwarf, s => s.Has(SqliteModule())), "%");

        // Managed callers, inclusive (a lower bound: a stack cut short in native code is not counted).
        Figures.Print($"{prefix}.managed.efcore_query_pipeline", Share(fp, s => s.Has(EfCore())), "%");
        Figures.Print($"{prefix}.managed.sqlite_ado_provider", Share(fp, s => s.Has(SqliteAdo())), "%");
        Figures.Print($"{prefix}.managed.json_serialization", Share(fp, s => s.Has(Json())), "%");
        Figures.Print($"{prefix}.managed.jwt_authentication", Share(fp, s => s.Has(Jwt())), "%");
        Figures.Print($"{prefix}.managed.typed_id_activator", Share(fp, s => s.Has(Activator())), "%");
        Figures.Print($"{prefix}.managed.di_scopes", Share(fp, s => s.Has(Container())), "%");
        Figures.Print($"{prefix}.managed.reflection_invoke", Share(fp, s => s.Has(Reflection())), "%");
        Figures.Print($"{prefix}.managed.savechanges", Share(fp, s => s.Has(SaveChanges())), "%");
        return 0;
    }

    private static double Share(List<Sample> samples, Func<Sample, bool> predicate) =>
        100.0 * samples.Count(predicate) / samples.Count;

    private static List<Sample> Load(string file)
    {
        var samples = new List<Sample>();
        Sample? current = null;
        foreach (var line in File.ReadLines(file))
        {
            if (line.Length == 0)
            {
                continue;
            }

            if (!char.IsWhiteSpace(line[0]))
            {
                current = new Sample(line.Trim());
                samples.Add(current);
            }
            else
            {
                current?.Frames.Add(line.Trim());
            }
        }

        return samples;
    }

    [GeneratedRegex(@"sqlite3_prepare|sqlite3LockAndPrepare|sqlite3Prepare")]
    private static partial Regex PrepareFrame();

    [GeneratedRegex(@"sqlite3_step")]
    private static partial Regex StepFrame();

    [GeneratedRegex(@"libe_sqlite3")]
    private static partial Regex SqliteModule();

    [GeneratedRegex(@"\[Microsoft\.EntityFrameworkCore")]
    private static partial Regex EfCore();

    [GeneratedRegex(@"\[Microsoft\.Data\.Sqlite\]")]
    private static partial Regex SqliteAdo();

    [GeneratedRegex(@"\[System\.Text\.Json\]")]
    private static partial Regex Json();

    [GeneratedRegex(@"JwtBearerHandler|\[Microsoft\.IdentityModel")]
    private static partial Regex Jwt();

    [GeneratedRegex(@"TypedIdConverter|RuntimeType::CreateInstanceImpl|DefaultBinder::BindToMethod")]
    private static partial Regex Activator();

    [GeneratedRegex(@"\[Microsoft\.Extensions\.DependencyInjection")]
    private static partial Regex Container();

    [GeneratedRegex(@"MethodBase::Invoke|MethodBaseInvoker|RuntimeMethodInfo::Invoke|RuntimeType::MakeGenericType|RuntimeType::GetMethod")]
    private static partial Regex Reflection();

    [GeneratedRegex(@"DbContext::SaveChanges|StateManager::SaveChanges")]
    private static partial Regex SaveChanges();

    private sealed class Sample(string header)
    {
        public string Thread { get; } = header;

        public List<string> Frames { get; } = [];

        public string LeafModule => Frames.Count == 0 ? "other" : Module(Frames[0]);

        public bool Has(Regex pattern) => Frames.Exists(pattern.IsMatch);

        private static string Module(string frame) => frame switch
        {
            _ when frame.Contains("perf-", StringComparison.Ordinal) && frame.Contains(".map", StringComparison.Ordinal) => "jit",
            _ when frame.Contains("[JIT]", StringComparison.Ordinal) => "jit",
            _ when frame.Contains(".dll)", StringComparison.Ordinal) => "jit",
            _ when frame.Contains("libe_sqlite3", StringComparison.Ordinal) => "sqlite",
            _ when frame.Contains("libclrjit", StringComparison.Ordinal) => "clrjit",
            _ when frame.Contains("libcoreclr", StringComparison.Ordinal) => "coreclr",
            _ when frame.Contains("libc.so", StringComparison.Ordinal) => "libc",
            _ when frame.Contains("kernel", StringComparison.Ordinal) => "kernel",
            _ => "other",
        };
    }
}
