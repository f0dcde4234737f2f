#!/usr/bin/env bash
# OpenTrain.Clean benchmarks: THE one command that reproduces every figure in bench/README.md.
#
#   bash bench/run.sh
#
# Builds Release into bench/out/, starts the API (and workers) on fresh SQLite data directories in
# /tmp with the offline payment simulator, seeds data, runs bounded loads on loopback only, prints
# every figure as one "name: value unit" line (also kept in bench/out/last-run.txt) and stops
# everything it started. About 6 minutes on 2 cores; never more than BENCH_DEADLINE seconds.
#
# Knobs (environment): BENCH_DURATION (s per measured wrk run, default 10), BENCH_CONNECTIONS (32),
# BENCH_GROWTH_SECONDS (8), BENCH_LIFECYCLE_CLIENTS (16), BENCH_OUTBOX_MESSAGES (30000), BENCH_LARGE_MILESTONES (1000000),
# BENCH_LIFECYCLE_SECONDS (20), BENCH_LARGE_INVOICES (100000), BENCH_PAYOUTS (3000), BENCH_PAYOUT_TIMEOUT (90),
# BENCH_PAYOUT_CONFIGS ("label:batch:lanes ...", default "default:50:4"), BENCH_PAYOUT_PROFILE=1 (perf the payout worker), BENCH_SKIP_BUILD=1, BENCH_SKIP_MICRO=1, BENCH_DEADLINE (1200),
# BENCH_SECTIONS ("read pdf profile growth lifecycle outbox payout micro": the parts to run; read always runs).
set -euo pipefail
cd "$(dirname "$0")/.."
ROOT=$PWD
BENCH=$ROOT/bench
OUT=$BENCH/out
DURATION=${BENCH_DURATION:-10}
GROWTH_SECONDS=${BENCH_GROWTH_SECONDS:-8}
CONNECTIONS=${BENCH_CONNECTIONS:-32}
CLIENTS=${BENCH_LIFECYCLE_CLIENTS:-16}
LIFECYCLE_SECONDS=${BENCH_LIFECYCLE_SECONDS:-20}
OUTBOX_MESSAGES=${BENCH_OUTBOX_MESSAGES:-30000}
PAYOUTS=${BENCH_PAYOUTS:-3000}
PAYOUT_TIMEOUT=${BENCH_PAYOUT_TIMEOUT:-90}
LARGE_MILESTONES=${BENCH_LARGE_MILESTONES:-1000000}
LARGE_INVOICES=${BENCH_LARGE_INVOICES:-100000}
DEADLINE=${BENCH_DEADLINE:-1200}
LUA=$BENCH/wrk/load.lua
# Which parts run (all by default); e.g. BENCH_SECTIONS="read pdf" for the read figures with their floor only.
SECTIONS=" ${BENCH_SECTIONS:-read pdf profile growth lifecycle outbox payout micro} "
section() { [[ $SECTIONS == *" $1 "* ]]; }
export DOTNET_CLI_TELEMETRY_OPTOUT=1 DOTNET_NOLOGO=1 DOTNET_SKIP_FIRST_TIME_EXPERIENCE=1

mkdir -p "$OUT"
WORK=$(mktemp -d /tmp/opentrain-bench.XXXXXX)
RESULTS=$OUT/last-run.txt
: > "$RESULTS"
PIDS=()

log() { printf '[bench %s] %s\n' "$(date +%H:%M:%S)" "$*" >&2; }
# One figure: name value unit. Also kept in $RESULTS.
figure() { printf '%s: %s %s\n' "$1" "$2" "$3" | tee -a "$RESULTS"; }
# Figures printed by the driver or the micro benchmarks, passed through.
figures() { tee -a "$RESULTS"; }

stop_pid() {
    local pid=$1
    kill -0 "$pid" 2>/dev/null || return 0
    kill -TERM "$pid" 2>/dev/null || true
    for _ in $(seq 1 100); do kill -0 "$pid" 2>/dev/null || return 0; sleep 0.1; done
    kill -KILL "$pid" 2>/dev/null || true
}

cleanup() {
    local status=$?
    trap - EXIT INT TERM
    for pid in "${PIDS[@]}"; do stop_pid "$pid"; done
    rm -rf "$WORK"
    # To the run's own stderr (fd 3): a failure inside a block whose stderr goes to a file (wrk's timing) still shows.
    [ "$status" -eq 0 ] || log "failed (exit $status) at line ${FAILED_LINE:-?}; logs were in $WORK (removed); rerun to see them" 2>&3
    exit "$status"
}
exec 3>&2
trap 'FAILED_LINE=$LINENO' ERR
trap cleanup EXIT
trap 'exit 130' INT TERM

# The whole run is bounded: a watchdog ends it (and, through the trap, everything it started).
( sleep "$DEADLINE"; log "deadline of $DEADLINE s reached"; kill -TERM $$ ) 2>/dev/null &
PIDS+=($!)

# --- tools -------------------------------------------------------------------------------------
if ! command -v wrk >/dev/null; then
    log "installing wrk from Debian's packages"
    apt-get update >/dev/null && apt-get install -y wrk >/dev/null
fi
PERF=1
if ! command -v perf >/dev/null || ! perf --version >/dev/null 2>&1; then
    log "installing perf (linux-perf) from Debian's packages for the CPU profiles"
    { apt-get update && apt-get install -y linux-perf; } >/dev/null 2>&1 || PERF=0
fi
[ "$PERF" = 1 ] && perf record -q -o "$WORK/perf.probe" -- true >/dev/null 2>&1 || PERF=0
[ "$PERF" = 1 ] || log "perf unavailable: the profile.* figures are skipped"

# --- build ---------------------------------------------------------------------------------------
if [ "${BENCH_SKIP_BUILD:-0}" != 1 ]; then
    log "building Release into bench/out"
    for project in src/Api:api src/Worker:worker bench/Driver:driver bench/Micro:micro bench/Floor:floor; do
        if ! dotnet publish "${project%%:*}" -c Release -o "$OUT/${project##*:}" >"$WORK/build.log" 2>&1; then
            tail -40 "$WORK/build.log" >&2
            exit 1
        fi
    done
fi
DRIVER=$OUT/driver/OpenTrain.Clean.Bench.Driver
driver() { "$DRIVER" "$@"; }

# --- machine -------------------------------------------------------------------------------------
CLK_TCK=$(getconf CLK_TCK)
figure machine.cpus "$(nproc)" cores
figure machine.memory "$(awk '/MemTotal/ {printf "%.1f", $2 / 1048576}' /proc/meminfo)" GiB
figure machine.loadavg_start "$(cut -d' ' -f1 /proc/loadavg)" runnable
log "CPU: $(grep -m1 'model name' /proc/cpuinfo | cut -d: -f2- | sed 's/^ *//')"

# --- processes -----------------------------------------------------------------------------------
free_port() {
    local port
    for port in $(seq "$1" "$(($1 + 50))"); do
        if ! (exec 3<>"/dev/tcp/127.0.0.1/$port") 2>/dev/null; then echo "$port"; return; fi
    done
    return 1
}
PORT=$(free_port 5390)
API=http://127.0.0.1:$PORT
API_PID=

# start_api NAME DATA_DIR [Key=Value ...]: the published API, Development (for /dev/token),
# warnings only, no rate limits, perf-readable JIT frames; extra configuration as environment.
start_api() {
    local name=$1 data=$2
    shift 2
    mkdir -p "$data"
    (
        cd "$OUT/api"
        exec env ASPNETCORE_ENVIRONMENT=Development Logging__LogLevel__Default=Warning RateLimiting__Enabled=false \
            Payments__PublicBaseUrl="$API" DOTNET_PerfMapEnabled=1 DOTNET_EnableWriteXorExecute=0 "$@" \
            dotnet OpenTrain.Clean.Api.dll --DataDirectory "$data" --urls "$API"
    ) >"$WORK/api-$name.log" 2>&1 &
    API_PID=$!
    PIDS+=("$API_PID")
    driver wait-http --url "$API/health/live" --timeout 60 || { tail -20 "$WORK/api-$name.log" >&2; exit 1; }
}
stop_api() { [ -n "$API_PID" ] && stop_pid "$API_PID"; API_PID=; }

# The floor (bench/Floor): the same reads written by hand on the same database file, beside the API.
FLOOR_PORT=$(free_port $((PORT + 1)))
FLOOR=http://127.0.0.1:$FLOOR_PORT
FLOOR_PID=
start_floor() {
    (cd "$OUT/floor" && exec dotnet OpenTrain.Clean.Bench.Floor.dll --db "$1" --urls "$FLOOR") >"$WORK/floor.log" 2>&1 &
    FLOOR_PID=$!
    PIDS+=("$FLOOR_PID")
    driver wait-http --url "$FLOOR/health/live" --timeout 60 || { tail -20 "$WORK/floor.log" >&2; exit 1; }
}
stop_floor() { [ -n "$FLOOR_PID" ] && stop_pid "$FLOOR_PID"; FLOOR_PID=; }

# start_worker NAME DATA_DIR [Key=Value ...]: a src/Worker process; extra configuration as environment (later wins).
start_worker() {
    local name=$1 data=$2
    shift 2
    (
        cd "$OUT/worker"
        exec env Logging__LogLevel__Default=Warning DataDirectory="$data" Worker__InProcess=false \
            DOTNET_PerfMapEnabled=1 DOTNET_EnableWriteXorExecute=0 \
            Worker__OutboxInterval=00:00:00.100 Worker__PayoutInterval=01:00:00 Worker__ReconciliationInterval=01:00:00 "$@" \
            dotnet OpenTrain.Clean.Worker.dll
    ) >"$WORK/worker-$name.log" 2>&1 &
    PIDS+=($!)
    WORKER_PIDS+=($!)
}

# CPU accounting around a load: cores used by the API, by the load client and by everything else.
machine_jiffies() { awk '/^cpu / {print $2 + $3 + $4 + $7 + $8 + $9}' /proc/stat; }
pid_jiffies() { if [ -n "$1" ]; then awk '{print $14 + $15}' "/proc/$1/stat" 2>/dev/null || echo 0; else echo 0; fi; }
now_ms() { date +%s%3N; }
cores() { awk -v j="$1" -v ms="$2" -v hz="$CLK_TCK" 'BEGIN { printf "%.2f", (ms > 0 ? j / hz / (ms / 1000) : 0) }'; }

ratio() { awk -v a="$1" -v b="$2" 'BEGIN { printf "%.2f", (b > 0 ? a / b : 0) }'; }
mean() { awk -v a="$1" -v b="$2" 'BEGIN { printf "%.1f", (a + b) / 2 }'; }
declare -A RPS P50 P99 PER_CORE
# wrk_run NAME URL TOKEN [PATHS_FILE] [CONNECTIONS] [SECONDS] [quiet]: one bounded wrk run; prints its figures.
wrk_run() {
    local name=$1 url=$2 token=$3 paths=${4:-} connections=${5:-$CONNECTIONS} seconds=${6:-$DURATION} quiet=${7:-}
    local threads=2
    [ "$connections" -lt 2 ] && threads=1
    local m0 a0 t0 m1 a1 t1 wall used line
    m0=$(machine_jiffies); a0=$(pid_jiffies "$API_PID"); t0=$(now_ms)
    local TIMEFORMAT='%U %S'
    { time wrk -t"$threads" -c"$connections" -d"${seconds}s" --timeout 5s -s "$LUA" "$url" -- "$token" $paths >"$WORK/wrk-$name.txt"; } 2>"$WORK/wrk-time-$name.txt"
    m1=$(machine_jiffies); a1=$(pid_jiffies "$API_PID"); t1=$(now_ms)
    line=$(grep '^WRK ' "$WORK/wrk-$name.txt") || { cat "$WORK/wrk-$name.txt" >&2; exit 1; }
    read -r _ rps p50 p99 _ socket non2xx _ <<<"$line"
    RPS[$name]=$rps; P50[$name]=$p50; P99[$name]=$p99
    settle
    [ -n "$quiet" ] && return 0
    wall=$((t1 - t0))
    # The last line is bash's `time` (TIMEFORMAT); anything wrk wrote to stderr comes before it.
    used=$(tail -n 1 "$WORK/wrk-time-$name.txt" | awk '{printf "%d", ($1 + $2) * hz}' hz="$CLK_TCK")
    figure "$name.rps" "$(printf '%.0f' "$rps")" req/s
    figure "$name.p50" "$(awk -v v="$p50" 'BEGIN { printf "%.2f", v / 1000 }')" ms
    figure "$name.p99" "$(awk -v v="$p99" 'BEGIN { printf "%.2f", v / 1000 }')" ms
    local api_cores
    api_cores=$(cores $((a1 - a0)) "$wall")
    PER_CORE[$name]=$(ratio "$rps" "$api_cores")
    figure "$name.api_cpu" "$api_cores" cores
    figure "$name.rps_per_api_core" "$(printf '%.0f' "${PER_CORE[$name]}")" req/s
    figure "$name.client_cpu" "$(cores "$used" "$wall")" cores
    figure "$name.other_cpu" "$(cores $((m1 - m0 - (a1 - a0) - used)) "$wall")" cores
    figure "$name.api_threads" "$(awk '/^Threads/ {print $2}' "/proc/$API_PID/status")" threads
    [ "$socket" = 0 ] || figure "$name.socket_errors" "$socket" errors
    [ "$non2xx" = 0 ] || figure "$name.non_2xx" "$non2xx" responses
}

# After a load, let the API finish what wrk left queued (slow routes) before the next one starts.
settle() {
    sleep 1
    for _ in $(seq 1 20); do
        local t
        t=$(curl -s -o /dev/null -w '%{time_total}' --max-time 5 "$API/health/live" || echo 5)
        awk -v t="$t" 'BEGIN { exit !(t < 0.05) }' && return 0
        sleep 0.5
    done
}
peak_memory() { awk '/VmHWM/ {printf "%.0f", $2 / 1024}' "/proc/$API_PID/status"; }
current_memory() { awk '/VmRSS/ {printf "%.0f", $2 / 1024}' "/proc/$API_PID/status"; }

# cpu_profile NAME PIDS: perf CPU profiles of running processes (frame pointers 3 s, then DWARF 3 s).
cpu_profile() {
    local name=$1 pids=$2
    [ "$PERF" = 1 ] || return 0
    perf record -q -F 499 -g -p "$pids" -o "$WORK/perf-fp.data" -- sleep 3 >/dev/null 2>&1 || true
    perf record -q -F 499 --call-graph dwarf,16384 -p "$pids" -o "$WORK/perf-dwarf.data" -- sleep 3 >/dev/null 2>&1 || true
    perf script -i "$WORK/perf-fp.data" -F comm,ip,sym,dso >"$WORK/perf-fp.txt" 2>/dev/null || true
    perf script -i "$WORK/perf-dwarf.data" -F comm,ip,sym,dso >"$WORK/perf-dwarf.txt" 2>/dev/null || true
    driver perf-summary --fp "$WORK/perf-fp.txt" --dwarf "$WORK/perf-dwarf.txt" --prefix "profile.$name" | figures || true
    rm -f "$WORK"/perf-*.data "$WORK"/perf-*.txt
}

# profile NAME URL TOKEN [PATHS]: the API's CPU profile under that route's load (not a measured run).
profile() {
    local name=$1 url=$2 token=$3 paths=${4:-}
    [ "$PERF" = 1 ] || return 0
    wrk -t2 -c"$CONNECTIONS" -d9s -s "$LUA" "$url" -- "$token" $paths >/dev/null &
    local load=$!
    sleep 1
    cpu_profile "$name" "$API_PID"
    wait "$load" || true
    settle
}

# sleep_profile NAME SECONDS PIDS: who sleeps. Counts clock_nanosleep calls and the time spent in
# them (perf trace), and the share of those sleeps made by SQLite's busy handler, i.e. a writer
# backing off while another connection holds the database's write lock (perf record on the
# syscall's tracepoint, DWARF call graphs through libe_sqlite3).
sleep_profile() {
    local name=$1 seconds=$2 pids=$3
    [ "$PERF" = 1 ] || return 0
    perf trace -s -p "$pids" -- sleep "$seconds" >/dev/null 2>"$WORK/trace.txt" || true
    perf record -q -e syscalls:sys_enter_clock_nanosleep --call-graph dwarf,8192 -p "$pids" -o "$WORK/sleep.data" -- sleep 2 >/dev/null 2>&1 || true
    local calls total busy all
    read -r calls total < <(awk '$1 == "clock_nanosleep" { c += $2; t += $4 } END { printf "%d %.0f\n", c, t }' "$WORK/trace.txt")
    perf script -i "$WORK/sleep.data" -F ip,sym >"$WORK/sleep.txt" 2>/dev/null || true
    # One paragraph per sampled sleep; those with the busy handler on their stack are lock waits.
    read -r all busy < <(awk 'BEGIN { RS = "" } { all++ } /sqliteDefaultBusyCallback/ { busy++ } END { printf "%d %d\n", all, busy }' "$WORK/sleep.txt")
    figure "$name.sleeps" "$(awk -v c="$calls" -v s="$seconds" 'BEGIN { printf "%.0f", c / s }')" calls/s
    figure "$name.sleeping_threads" "$(awk -v t="$total" -v s="$seconds" 'BEGIN { printf "%.1f", t / 1000 / s }')" threads
    figure "$name.sleeps_in_sqlite_busy_handler" "$(awk -v b="$busy" -v a="$all" 'BEGIN { printf "%.0f", (a > 0 ? 100 * b / a : 0) }')" %
    rm -f "$WORK/sleep.data" "$WORK/sleep.txt" "$WORK/trace.txt"
}

# route_load ROUTE BASE: the wrk arguments (URL TOKEN [PATHS]) of one read route against BASE (the API or the floor).
READ_ROUTES="milestone contract_milestones invoices report report_admin"
route_load() {
    case $1 in
        milestone) echo "$2/ $EMPLOYER_TOKEN $WORK/milestone-paths.txt" ;;
        report_admin) echo "$2/ $ADMIN_TOKEN $WORK/paths-report.txt" ;;
        *) echo "$2/ $EMPLOYER_TOKEN $WORK/paths-$1.txt" ;;
    esac
}
# One file of paths per route (wrk cycles through a route's file), so every load has the same arguments.
route_paths() {
    echo "/api/v1/contracts/$CONTRACT_ID/milestones" >"$WORK/paths-contract_milestones.txt"
    echo "/api/v1/invoices" >"$WORK/paths-invoices.txt"
    echo "/api/v1/reports/invoices?limit=20" >"$WORK/paths-report.txt"
}
# floor_run NAME ARGS...: wrk_run against the floor, its CPU accounted to the floor's process.
floor_run() { local API_PID=$FLOOR_PID; wrk_run "$@"; }

# The read routes, side by side with their floor; /health/live before and after, the ratios
# against its mean and against the floor measured right after the route.
read_routes() {
    local prefix=$1 route
    wrk_run "$prefix.live" "$API/health/live" -
    for route in $READ_ROUTES; do
        # shellcheck disable=SC2046
        wrk_run "$prefix.$route" $(route_load "$route" "$API")
        # shellcheck disable=SC2046
        floor_run "$prefix.floor.$route" $(route_load "$route" "$FLOOR")
    done
    wrk_run "$prefix.live_after" "$API/health/live" -
    local live live_per_core
    live=$(mean "${RPS[$prefix.live]}" "${RPS[$prefix.live_after]}")
    live_per_core=$(mean "${PER_CORE[$prefix.live]}" "${PER_CORE[$prefix.live_after]}")
    for route in $READ_ROUTES; do
        figure "$prefix.$route.ratio_to_floor" "$(ratio "${RPS[$prefix.$route]}" "${RPS[$prefix.floor.$route]}")" x
        figure "$prefix.$route.ratio_to_floor_per_core" "$(ratio "${PER_CORE[$prefix.$route]}" "${PER_CORE[$prefix.floor.$route]}")" x
        figure "$prefix.$route.ratio_to_live" "$(ratio "${RPS[$prefix.$route]}" "$live")" x
        figure "$prefix.$route.ratio_to_live_per_api_core" "$(ratio "${PER_CORE[$prefix.$route]}" "$live_per_core")" x
        figure "$prefix.floor.$route.ratio_to_live" "$(ratio "${RPS[$prefix.floor.$route]}" "$live")" x
    done
}

# Single-connection latency of each route (service time, no queueing), for the growth comparison.
growth_latency() {
    local label=$1
    for route in milestone contract_milestones report report_admin; do
        case $route in
            milestone) wrk_run "growth.$label.$route" "$API/" "$EMPLOYER_TOKEN" "$WORK/milestone-paths.txt" 1 "$GROWTH_SECONDS" quiet ;;
            contract_milestones) wrk_run "growth.$label.$route" "$API/api/v1/contracts/$CONTRACT_ID/milestones" "$EMPLOYER_TOKEN" "" 1 "$GROWTH_SECONDS" quiet ;;
            report) wrk_run "growth.$label.$route" "$API/api/v1/reports/invoices?limit=20" "$EMPLOYER_TOKEN" "" 1 "$GROWTH_SECONDS" quiet ;;
            report_admin) wrk_run "growth.$label.$route" "$API/api/v1/reports/invoices?limit=20" "$ADMIN_TOKEN" "" 1 "$GROWTH_SECONDS" quiet ;;
        esac
        figure "growth.$label.$route.p50" "$(awk -v v="${P50[growth.$label.$route]}" 'BEGIN { printf "%.2f", v / 1000 }')" ms
        figure "growth.$label.$route.p99" "$(awk -v v="${P99[growth.$label.$route]}" 'BEGIN { printf "%.2f", v / 1000 }')" ms
    done
}

warm_up() {
    log "warming up (JIT tiering, connection and query caches)"
    for _ in 1 2; do
        wrk_run warm.report_admin "$API/api/v1/reports/invoices?limit=20" "$ADMIN_TOKEN" "" 4 3 quiet
        wrk_run warm.report "$API/api/v1/reports/invoices?limit=20" "$EMPLOYER_TOKEN" "" "$CONNECTIONS" 3 quiet
        wrk_run warm.list "$API/api/v1/contracts/$CONTRACT_ID/milestones" "$EMPLOYER_TOKEN" "" "$CONNECTIONS" 3 quiet
        wrk_run warm.milestone "$API/" "$EMPLOYER_TOKEN" "$WORK/milestone-paths.txt" "$CONNECTIONS" 3 quiet
        wrk_run warm.invoices "$API/api/v1/invoices" "$EMPLOYER_TOKEN" "" "$CONNECTIONS" 3 quiet
        wrk_run warm.live "$API/health/live" - "" "$CONNECTIONS" 3 quiet
        for route in $READ_ROUTES; do
            # shellcheck disable=SC2046
            floor_run "warm.floor.$route" $(route_load "$route" "$FLOOR") "$CONNECTIONS" 2 quiet
        done
    done
}

# The read mix (every read route as the employer, cycled) alone, then while another caller (the
# admin) downloads invoice PDFs over 8 connections: what an expensive route takes from the rest.
pdf_starvation() {
    python3 - "$API" "$ADMIN_TOKEN" >"$WORK/pdf-paths.txt" <<'PY'
import json, sys, urllib.request
api, token = sys.argv[1], sys.argv[2]
request = urllib.request.Request(f"{api}/api/v1/invoices?limit=100", headers={"Authorization": f"Bearer {token}"})
for invoice in json.load(urllib.request.urlopen(request))["data"]:
    print(f"/api/v1/invoices/{invoice['id']}/pdf")
PY
    { cat "$WORK/milestone-paths.txt"; printf '%s\n' "/api/v1/contracts/$CONTRACT_ID/milestones" /api/v1/invoices "/api/v1/reports/invoices?limit=20"; } >"$WORK/mix-paths.txt"
    figure pdf.invoices "$(wc -l <"$WORK/pdf-paths.txt")" invoices
    wrk_run pdf.alone "$API/" "$ADMIN_TOKEN" "$WORK/pdf-paths.txt" 8
    wrk_run pdf.mix_alone "$API/" "$EMPLOYER_TOKEN" "$WORK/mix-paths.txt"
    wrk -t1 -c8 -d"$((DURATION + 2))s" --timeout 5s -s "$LUA" "$API/" -- "$ADMIN_TOKEN" "$WORK/pdf-paths.txt" >"$WORK/wrk-pdf-background.txt" &
    local background=$!
    sleep 1
    wrk_run pdf.mix_with_pdf "$API/" "$EMPLOYER_TOKEN" "$WORK/mix-paths.txt"
    wait "$background" || true
    local line
    line=$(grep '^WRK ' "$WORK/wrk-pdf-background.txt") || true
    figure pdf.with_mix.rps "$(awk '{printf "%.0f", $2}' <<<"$line")" req/s
    figure pdf.mix_with_pdf.ratio_to_mix_alone "$(ratio "${RPS[pdf.mix_with_pdf]}" "${RPS[pdf.mix_alone]}")" x
}

# === read, memory, growth at 1,000 milestones =====================================================
READ_DATA=$WORK/read
log "read: seeding through the API"
start_api seed "$READ_DATA" Worker__PayoutInterval=00:00:00.500
driver seed --api "$API" --out "$WORK" --milestones 30
stop_api
# The payout section starts from this seed (paid milestones to copy, the trainer's account on the simulator).
section payout && { rm -rf "$WORK/payout-seed"; cp -a "$READ_DATA" "$WORK/payout-seed"; }
# shellcheck disable=SC1091
. "$WORK/seed.env"
route_paths
driver grow --db "$READ_DATA/opentrain.db" --milestones 1000 --invoices 100 --label small | figures
driver report-query --db "$READ_DATA/opentrain.db" --label small | figures
driver sql-cost --db "$READ_DATA/opentrain.db" --employer "$EMPLOYER_ID" --milestone "$MILESTONE_ID" --contract "$CONTRACT_ID" | figures

log "read: measuring at 1,000 milestones"
start_api read "$READ_DATA"
start_floor "$READ_DATA/opentrain.db"
warm_up
read_routes read
figure memory.read.peak_working_set "$(peak_memory)" MB
figure memory.read.working_set_after "$(current_memory)" MB
if section pdf; then
    log "pdf: the read mix alone and beside 8 connections of PDF downloads"
    pdf_starvation
fi
if section profile; then
    log "read: profiling"
    profile read.milestone "$API/" "$EMPLOYER_TOKEN" "$WORK/milestone-paths.txt"
    profile read.contract_milestones "$API/api/v1/contracts/$CONTRACT_ID/milestones" "$EMPLOYER_TOKEN"
fi
section growth && growth_latency small
stop_api
stop_floor

# === growth to 1,000,000 milestones and 100,000 invoices =========================================
if section growth; then
log "growth: bulk insert to $LARGE_MILESTONES milestones and $LARGE_INVOICES invoices"
driver grow --db "$READ_DATA/opentrain.db" --milestones "$LARGE_MILESTONES" --invoices "$LARGE_INVOICES" --label large | figures
driver report-query --db "$READ_DATA/opentrain.db" --label large | figures
start_api large "$READ_DATA"
# The warm-up loads the floor too: it must be running (without it wrk failed and set -e ended the run).
start_floor "$READ_DATA/opentrain.db"
warm_up
growth_latency large
for route in milestone contract_milestones report report_admin; do
    figure "growth.$route.p50_ratio" "$(ratio "${P50[growth.large.$route]}" "${P50[growth.small.$route]}")" x
    figure "growth.$route.p99_ratio" "$(ratio "${P99[growth.large.$route]}" "${P99[growth.small.$route]}")" x
done
read_routes large
figure memory.large.peak_working_set "$(peak_memory)" MB
stop_api
stop_floor
fi

# === lifecycle: hire -> fund -> submit -> approve -> paid, in-process jobs ========================
if section lifecycle; then
LIFECYCLE_JOBS=(Worker__PayoutInterval=00:00:00.200 Worker__OutboxInterval=00:00:00.100
    Logging__LogLevel__OpenTrain.Clean.Infrastructure.Persistence.SqliteWriterGate=Information)
# lifecycle_transactions PREFIX (after stop_api): write transactions per paid milestone over the API's whole run,
# warm-up included: the writer gate's count, which it logs when the API stops (none without the gate).
lifecycle_transactions() {
    local prefix=$1 tx paid
    tx=$(grep -o 'SQLite writer gate: [0-9]*' "$WORK/api-$prefix.log" | awk '{print $4}' | tail -1 || true)
    command -v sqlite3 >/dev/null || return 0
    paid=$(sqlite3 "$WORK/$prefix/opentrain.db" "SELECT count(*) FROM Milestones WHERE Status = 'Paid'" || echo 0)
    if [ -n "$tx" ] && [ "${paid:-0}" -gt 0 ]; then
        figure "$prefix.write_transactions_per_paid_milestone" "$(awk -v t="$tx" -v p="$paid" 'BEGIN { printf "%.1f", t / p }')" transactions
    fi
}
# lifecycle_run PREFIX [Key=Value ...]: a fresh API with in-process jobs, a warm-up, then the measured run.
lifecycle_run() {
    local prefix=$1
    shift
    start_api "$prefix" "$WORK/$prefix" "${LIFECYCLE_JOBS[@]}" "$@"
    driver lifecycle --api "$API" --clients "$CLIENTS" --duration 5 --drain 15 >/dev/null 2>&1 || true   # warm-up, not measured
    a0=$(pid_jiffies "$API_PID"); m0=$(machine_jiffies); t0=$(now_ms)
    driver lifecycle --api "$API" --clients "$CLIENTS" --duration "$LIFECYCLE_SECONDS" --drain 40 --db "$WORK/$prefix/opentrain.db" | sed "s/^lifecycle\./$prefix./" | figures
    a1=$(pid_jiffies "$API_PID"); m1=$(machine_jiffies); t1=$(now_ms)
    figure "$prefix.api_cpu" "$(cores $((a1 - a0)) $((t1 - t0)))" cores
    figure "$prefix.machine_cpu" "$(cores $((m1 - m0)) $((t1 - t0)))" cores
    figure "$prefix.api_log_warnings" "$(grep -c -E '^(warn|fail)' "$WORK/api-$prefix.log" || true)" lines
    # No warning at all is the good case: grep finds nothing and must not end the run (set -e, pipefail).
    { grep -A1 -E '^(warn|fail)' "$WORK/api-$prefix.log" || true; } | { grep -v -E '^(warn|fail|--)' || true; } | cut -c1-140 | sed -E 's/[0-9a-f]{8}-[0-9a-f-]{27}/<id>/g; s/[0-9]+/N/g' \
        | sort | uniq -c | sort -rn | head -5 | while read -r line; do log "$prefix warning: $line"; done
}
# The same run without the writer gate first: SQLite's sleeping busy handler, for the ratio.
log "lifecycle: $CLIENTS clients, in-process jobs with fast intervals, without the writer gate"
lifecycle_run lifecycle_without_gate Database__SqliteWriterGate=false
stop_api
# The outbox as before batching (one transaction per message), same build, for the ratio.
log "lifecycle: $CLIENTS clients, in-process jobs with fast intervals, one outbox message per transaction"
lifecycle_run lifecycle_per_message Outbox__MessagesPerTransaction=1 Outbox__MaxBatchesPerRun=20
stop_api
lifecycle_transactions lifecycle_per_message
log "lifecycle: $CLIENTS clients, in-process jobs with fast intervals"
lifecycle_run lifecycle
figure lifecycle.approved_rate_ratio_to_per_message "$(ratio "$(awk '$1 == "lifecycle.approved_rate:" {print $2}' "$RESULTS")" "$(awk '$1 == "lifecycle_per_message.approved_rate:" {print $2}' "$RESULTS")")" x
figure lifecycle.approved_rate_ratio_to_without_gate "$(ratio "$(awk '$1 == "lifecycle.approved_rate:" {print $2}' "$RESULTS")" "$(awk '$1 == "lifecycle_without_gate.approved_rate:" {print $2}' "$RESULTS")")" x
if section profile && [ "$PERF" = 1 ]; then
    # Evidence, in a second run so the tracing does not touch the figures above.
    log "lifecycle: profiling a second run"
    driver lifecycle --api "$API" --clients "$CLIENTS" --duration 14 --drain 20 >/dev/null 2>&1 &
    evidence=$!
    sleep 5
    sleep_profile profile.lifecycle 4 "$API_PID"
    cpu_profile lifecycle "$API_PID"
    wait "$evidence" || true
fi
stop_api
lifecycle_transactions lifecycle

fi

# === outbox: messages/s dispatched by one worker, then by two ====================================
if section outbox; then
WORKER_PIDS=()
outbox_run() {
    local label=$1 workers=$2 tag=$3 count=$4
    shift 4
    local data=$WORK/outbox-$label-$tag
    driver outbox-seed --db "$data/opentrain.db" --count "$count" --tag "$tag"
    WORKER_PIDS=()
    for i in $(seq 1 "$workers"); do start_worker "$label-$tag-$i" "$data" DOTNET_ENVIRONMENT=Development "$@"; done
    OUTBOX_DB=$data/opentrain.db
}
stop_workers() { for pid in "${WORKER_PIDS[@]}"; do stop_pid "$pid"; done; WORKER_PIDS=(); }
# one_per_message: the dispatch before batching (one transaction per message, 20 batches per job run), same build.
for label in one_per_message one two; do
    workers=$([ "$label" = two ] && echo 2 || echo 1)
    tag=$([ "$label" = one_per_message ] && echo 5 || echo "$workers")
    extra=()
    [ "$label" = one_per_message ] && extra=(Outbox__MessagesPerTransaction=1 Outbox__MaxBatchesPerRun=20)
    log "outbox: $OUTBOX_MESSAGES messages, $workers worker(s) ${extra[*]}"
    m0=$(machine_jiffies); t0=$(now_ms)
    outbox_run "$label" "$workers" "$tag" "$OUTBOX_MESSAGES" "${extra[@]}"
    driver outbox-wait --db "$OUTBOX_DB" --count "$OUTBOX_MESSAGES" --tag "$tag" --label "$label" --timeout 60 | figures || true
    w=0
    for pid in "${WORKER_PIDS[@]}"; do w=$((w + $(pid_jiffies "$pid"))); done
    m1=$(machine_jiffies); t1=$(now_ms)
    figure "outbox.$label.workers_cpu" "$(cores "$w" $((t1 - t0)))" cores
    figure "outbox.$label.machine_cpu" "$(cores $((m1 - m0)) $((t1 - t0)))" cores
    # CPU of the worker process(es) from start to the last message, per 1,000 messages (start-up included).
    figure "outbox.$label.worker_cpu_per_1000_messages" "$(awk -v j="$w" -v hz="$CLK_TCK" -v n="$OUTBOX_MESSAGES" 'BEGIN { printf "%.0f", j / hz * 1000 / n * 1000 }')" ms
    stop_workers
done
if [ "$PERF" = 1 ]; then
    log "outbox: profiling (separate runs)"
    outbox_run one 1 3 70000
    sleep 10
    cpu_profile outbox.one "${WORKER_PIDS[0]}"
    sleep_profile profile.outbox.one 3 "${WORKER_PIDS[0]}"
    stop_workers
    outbox_run two 2 4 30000
    sleep 8
    sleep_profile profile.outbox.two 3 "${WORKER_PIDS[0]},${WORKER_PIDS[1]}"
    stop_workers
fi

fi

# === payouts: approved milestones paid out per second by one worker process on the simulator ======
if section payout; then
WORKER_PIDS=()
# payout_run LABEL BATCH_SIZE PARALLELISM: a fresh copy of the seed, N payouts due now, one worker until paid.
payout_run() {
    local label=$1 batch=$2 lanes=$3
    local data=$WORK/payout-$label
    rm -rf "$data"; cp -a "$WORK/payout-seed" "$data"
    driver payout-seed --db "$data/opentrain.db" --count "$PAYOUTS"
    log "payouts: $PAYOUTS due, one worker, Payouts:BatchSize=$batch, Payouts:Parallelism=$lanes"
    m0=$(machine_jiffies); t0=$(now_ms)
    start_worker "payout-$label" "$data" DOTNET_ENVIRONMENT=Development Worker__PayoutInterval=00:00:00.200 \
        Worker__OutboxInterval=00:00:00.100 Payouts__BatchSize="$batch" Payouts__Parallelism="$lanes"
    local pid=$!
    figure "payouts.$label.batch_size" "$batch" payouts
    figure "payouts.$label.parallelism" "$lanes" lanes
    # BENCH_PAYOUT_PROFILE=1: the worker's CPU profile while it drains (6 s from the 4th second; perf slows it a little).
    local profiler=
    if [ "${BENCH_PAYOUT_PROFILE:-0}" = 1 ]; then (sleep 4; cpu_profile "payouts.$label" "$pid") & profiler=$!; fi
    local drained
    drained=$(driver payout-wait --db "$data/opentrain.db" --count "$PAYOUTS" --label "payouts.$label" --timeout "$PAYOUT_TIMEOUT" || true)
    figures <<<"$drained"
    [ -n "$profiler" ] && { wait "$profiler" || true; }
    m1=$(machine_jiffies); t1=$(now_ms)
    local worker_cpu
    worker_cpu=$(cores "$(pid_jiffies "$pid")" $((t1 - t0)))
    figure "payouts.$label.worker_cpu" "$worker_cpu" cores
    # Payouts per second of the worker's own CPU: the figure that does not depend on what else the machine ran.
    figure "payouts.$label.drain_per_worker_core" "$(awk -v d="$(awk '/\.drain_per_second:/ {print $2}' <<<"$drained")" -v c="$worker_cpu" 'BEGIN { printf "%.0f", (c > 0 ? d / c : 0) }')" payouts/s
    figure "payouts.$label.machine_cpu" "$(cores $((m1 - m0)) $((t1 - t0)))" cores
    figure "payouts.$label.worker_log_warnings" "$(grep -c 'warn:' "$WORK/worker-payout-$label.log" || true)" lines
    stop_pid "$pid"
}
figure payouts.previous.drain_per_second 10 payouts/s
for config in ${BENCH_PAYOUT_CONFIGS:-"default:50:4"}; do
    IFS=: read -r label batch lanes <<<"$config"
    payout_run "$label" "$batch" "$lanes"
done
fi

# === micro benchmarks (BenchmarkDotNet, in-process, short job) ===================================
if section micro && [ "${BENCH_SKIP_MICRO:-0}" != 1 ]; then
    log "micro: BenchmarkDotNet"
    (cd "$WORK" && "$OUT/micro/OpenTrain.Clean.Bench.Micro") 2>"$WORK/micro.log" | figures || { tail -30 "$WORK/micro.log" >&2; exit 1; }
fi

figure machine.loadavg_end "$(cut -d' ' -f1 /proc/loadavg)" runnable
log "done: figures in bench/out/last-run.txt"
