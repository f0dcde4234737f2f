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
# BENCH_LIFECYCLE_CLIENTS (16), BENCH_OUTBOX_MESSAGES (20000), BENCH_LARGE_MILESTONES (1000000),
# BENCH_LARGE_INVOICES (100000), BENCH_SKIP_BUILD=1, BENCH_SKIP_MICRO=1, BENCH_DEADLINE (1200).
set -euo pipefail
cd "$(dirname "$0")/.."
ROOT=$PWD
BENCH=$ROOT/bench
OUT=$BENCH/out
DURATION=${BENCH_DURATION:-10}
CONNECTIONS=${BENCH_CONNECTIONS:-32}
CLIENTS=${BENCH_LIFECYCLE_CLIENTS:-16}
OUTBOX_MESSAGES=${BENCH_OUTBOX_MESSAGES:-20000}
LARGE_MILESTONES=${BENCH_LARGE_MILESTONES:-1000000}
LARGE_INVOICES=${BENCH_LARGE_INVOICES:-100000}
DEADLINE=${BENCH_DEADLINE:-1200}
LUA=$BENCH/wrk/load.lua
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
    [ "$status" -eq 0 ] || log "failed (exit $status); logs were in $WORK (removed); rerun to see them"
    exit "$status"
}
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
    for project in src/Api:api src/Worker:worker bench/Driver:driver bench/Micro:micro; do
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

start_worker() {
    local name=$1 data=$2
    (
        cd "$OUT/worker"
        exec env Logging__LogLevel__Default=Warning DataDirectory="$data" Worker__InProcess=false \
            Worker__OutboxInterval=00:00:00.100 Worker__PayoutInterval=01:00:00 Worker__ReconciliationInterval=01:00:00 \
            dotnet OpenTrain.Clean.Worker.dll
    ) >"$WORK/worker-$name.log" 2>&1 &
    PIDS+=($!)
    WORKER_PIDS+=($!)
}

# CPU accounting around a load: cores used by the API, by the load client and by everything else.
machine_jiffies() { awk '/^cpu / {print $2 + $3 + $4 + $7 + $8 + $9}' /proc/stat; }
pid_jiffies() { awk '{print $14 + $15}' "/proc/$1/stat" 2>/dev/null || echo 0; }
now_ms() { date +%s%3N; }
cores() { awk -v j="$1" -v ms="$2" -v hz="$CLK_TCK" 'BEGIN { printf "%.2f", (ms > 0 ? j / hz / (ms / 1000) : 0) }'; }

declare -A RPS P50 P99
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
    [ -n "$quiet" ] && return 0
    wall=$((t1 - t0))
    used=$(awk '{printf "%d", ($1 + $2) * hz}' hz="$CLK_TCK" "$WORK/wrk-time-$name.txt")
    figure "$name.rps" "$(printf '%.0f' "$rps")" req/s
    figure "$name.p50" "$(awk -v v="$p50" 'BEGIN { printf "%.2f", v / 1000 }')" ms
    figure "$name.p99" "$(awk -v v="$p99" 'BEGIN { printf "%.2f", v / 1000 }')" ms
    figure "$name.api_cpu" "$(cores $((a1 - a0)) "$wall")" cores
    figure "$name.client_cpu" "$(cores "$used" "$wall")" cores
    figure "$name.other_cpu" "$(cores $((m1 - m0 - (a1 - a0) - used)) "$wall")" cores
    [ "$socket" = 0 ] || figure "$name.socket_errors" "$socket" errors
    [ "$non2xx" = 0 ] || figure "$name.non_2xx" "$non2xx" responses
}
ratio() { awk -v a="$1" -v b="$2" 'BEGIN { printf "%.2f", (b > 0 ? a / b : 0) }'; }
mean() { awk -v a="$1" -v b="$2" 'BEGIN { printf "%.1f", (a + b) / 2 }'; }
peak_memory() { awk '/VmHWM/ {printf "%.0f", $2 / 1024}' "/proc/$API_PID/status"; }
current_memory() { awk '/VmRSS/ {printf "%.0f", $2 / 1024}' "/proc/$API_PID/status"; }

# profile NAME URL TOKEN [PATHS]: perf profiles (frame pointers, then DWARF) of the API under that load.
profile() {
    local name=$1 url=$2 token=$3 paths=${4:-}
    [ "$PERF" = 1 ] || return 0
    wrk -t2 -c"$CONNECTIONS" -d9s -s "$LUA" "$url" -- "$token" $paths >/dev/null &
    local load=$!
    sleep 1
    perf record -q -F 499 -g -p "$API_PID" -o "$WORK/perf-fp.data" -- sleep 3 >/dev/null 2>&1 || true
    perf record -q -F 499 --call-graph dwarf,16384 -p "$API_PID" -o "$WORK/perf-dwarf.data" -- sleep 3 >/dev/null 2>&1 || true
    wait "$load" || true
    perf script -i "$WORK/perf-fp.data" -F comm,ip,sym,dso >"$WORK/perf-fp.txt" 2>/dev/null || true
    perf script -i "$WORK/perf-dwarf.data" -F comm,ip,sym,dso >"$WORK/perf-dwarf.txt" 2>/dev/null || true
    driver perf-summary --fp "$WORK/perf-fp.txt" --dwarf "$WORK/perf-dwarf.txt" --prefix "profile.$name" | figures || true
    rm -f "$WORK"/perf-*.data "$WORK"/perf-*.txt
}

# The read routes, side by side; /health/live before and after, the ratio against their mean.
read_routes() {
    local prefix=$1
    wrk_run "$prefix.live" "$API/health/live" -
    wrk_run "$prefix.milestone" "$API/" "$EMPLOYER_TOKEN" "$WORK/milestone-paths.txt"
    wrk_run "$prefix.contract_milestones" "$API/api/v1/contracts/$CONTRACT_ID/milestones" "$EMPLOYER_TOKEN"
    wrk_run "$prefix.report" "$API/api/v1/reports/invoices?limit=20" "$EMPLOYER_TOKEN"
    wrk_run "$prefix.report_admin" "$API/api/v1/reports/invoices?limit=20" "$ADMIN_TOKEN"
    wrk_run "$prefix.live_after" "$API/health/live" -
    local live
    live=$(mean "${RPS[$prefix.live]}" "${RPS[$prefix.live_after]}")
    for route in milestone contract_milestones report report_admin; do
        figure "$prefix.$route.ratio_to_live" "$(ratio "${RPS[$prefix.$route]}" "$live")" x
    done
}

# Single-connection latency of each route (service time, no queueing), for the growth comparison.
growth_latency() {
    local label=$1
    for route in milestone contract_milestones report report_admin; do
        case $route in
            milestone) wrk_run "growth.$label.$route" "$API/" "$EMPLOYER_TOKEN" "$WORK/milestone-paths.txt" 1 5 quiet ;;
            contract_milestones) wrk_run "growth.$label.$route" "$API/api/v1/contracts/$CONTRACT_ID/milestones" "$EMPLOYER_TOKEN" "" 1 5 quiet ;;
            report) wrk_run "growth.$label.$route" "$API/api/v1/reports/invoices?limit=20" "$EMPLOYER_TOKEN" "" 1 5 quiet ;;
            report_admin) wrk_run "growth.$label.$route" "$API/api/v1/reports/invoices?limit=20" "$ADMIN_TOKEN" "" 1 5 quiet ;;
        esac
        figure "growth.$label.$route.p50" "$(awk -v v="${P50[growth.$label.$route]}" 'BEGIN { printf "%.2f", v / 1000 }')" ms
        figure "growth.$label.$route.p99" "$(awk -v v="${P99[growth.$label.$route]}" 'BEGIN { printf "%.2f", v / 1000 }')" ms
    done
}

warm_up() {
    log "warming up (JIT tiering, connection and query caches)"
    for _ in 1 2; do
        wrk_run warm.live "$API/health/live" - "" "$CONNECTIONS" 3 quiet
        wrk_run warm.milestone "$API/" "$EMPLOYER_TOKEN" "$WORK/milestone-paths.txt" "$CONNECTIONS" 3 quiet
        wrk_run warm.list "$API/api/v1/contracts/$CONTRACT_ID/milestones" "$EMPLOYER_TOKEN" "" "$CONNECTIONS" 3 quiet
        wrk_run warm.report "$API/api/v1/reports/invoices?limit=20" "$EMPLOYER_TOKEN" "" "$CONNECTIONS" 3 quiet
        wrk_run warm.report_admin "$API/api/v1/reports/invoices?limit=20" "$ADMIN_TOKEN" "" "$CONNECTIONS" 3 quiet
    done
}

# === read, memory, growth at 1,000 milestones =====================================================
READ_DATA=$WORK/read
log "read: seeding through the API"
start_api seed "$READ_DATA" Worker__PayoutInterval=00:00:00.500
driver seed --api "$API" --out "$WORK" --milestones 30
stop_api
# shellcheck disable=SC1091
. "$WORK/seed.env"
driver grow --db "$READ_DATA/opentrain.db" --milestones 1000 --invoices 100 --label small | figures
driver report-query --db "$READ_DATA/opentrain.db" --label small | figures

log "read: measuring at 1,000 milestones"
start_api read "$READ_DATA"
warm_up
read_routes read
figure memory.read.peak_working_set "$(peak_memory)" MB
figure memory.read.working_set_after "$(current_memory)" MB
log "read: profiling"
profile read.milestone "$API/" "$EMPLOYER_TOKEN" "$WORK/milestone-paths.txt"
profile read.contract_milestones "$API/api/v1/contracts/$CONTRACT_ID/milestones" "$EMPLOYER_TOKEN"
growth_latency small
stop_api

# === growth to 1,000,000 milestones and 100,000 invoices =========================================
log "growth: bulk insert to $LARGE_MILESTONES milestones and $LARGE_INVOICES invoices"
driver grow --db "$READ_DATA/opentrain.db" --milestones "$LARGE_MILESTONES" --invoices "$LARGE_INVOICES" --label large | figures
driver report-query --db "$READ_DATA/opentrain.db" --label large | figures
start_api large "$READ_DATA"
warm_up
growth_latency large
for route in milestone contract_milestones report report_admin; do
    figure "growth.$route.p50_ratio" "$(ratio "${P50[growth.large.$route]}" "${P50[growth.small.$route]}")" x
    figure "growth.$route.p99_ratio" "$(ratio "${P99[growth.large.$route]}" "${P99[growth.small.$route]}")" x
done
read_routes large
figure memory.large.peak_working_set "$(peak_memory)" MB
stop_api

# === lifecycle: hire -> fund -> submit -> approve -> paid, in-process jobs ========================
log "lifecycle: $CLIENTS clients, in-process jobs with fast intervals"
start_api lifecycle "$WORK/lifecycle" Worker__PayoutInterval=00:00:00.200 Worker__OutboxInterval=00:00:00.100
a0=$(pid_jiffies "$API_PID"); m0=$(machine_jiffies); t0=$(now_ms)
driver lifecycle --api "$API" --clients "$CLIENTS" --duration 20 --drain 40 | figures
a1=$(pid_jiffies "$API_PID"); m1=$(machine_jiffies); t1=$(now_ms)
figure lifecycle.api_cpu "$(cores $((a1 - a0)) $((t1 - t0)))" cores
figure lifecycle.machine_cpu "$(cores $((m1 - m0)) $((t1 - t0)))" cores
grep -c 'database is locked\|busy' "$WORK/api-lifecycle.log" | xargs -I{} figure lifecycle.api_log_busy_lines {} lines
stop_api

# === outbox: messages/s dispatched by one worker, then by two ====================================
for workers in 1 2; do
    label=$([ "$workers" = 1 ] && echo one || echo two)
    data=$WORK/outbox-$label
    log "outbox: $OUTBOX_MESSAGES messages, $workers worker(s)"
    driver outbox-seed --db "$data/opentrain.db" --count "$OUTBOX_MESSAGES" --tag "$workers"
    WORKER_PIDS=()
    w0=0; m0=$(machine_jiffies); t0=$(now_ms)
    for i in $(seq 1 "$workers"); do start_worker "$label-$i" "$data"; done
    driver outbox-wait --db "$data/opentrain.db" --count "$OUTBOX_MESSAGES" --tag "$workers" --label "$label" --timeout 60 | figures || true
    for pid in "${WORKER_PIDS[@]}"; do w0=$((w0 + $(pid_jiffies "$pid"))); done
    m1=$(machine_jiffies); t1=$(now_ms)
    figure "outbox.$label.workers_cpu" "$(cores "$w0" $((t1 - t0)))" cores
    figure "outbox.$label.machine_cpu" "$(cores $((m1 - m0)) $((t1 - t0)))" cores
    for pid in "${WORKER_PIDS[@]}"; do stop_pid "$pid"; done
done

# === micro benchmarks (BenchmarkDotNet, in-process, short job) ===================================
if [ "${BENCH_SKIP_MICRO:-0}" != 1 ]; then
    log "micro: BenchmarkDotNet"
    (cd "$WORK" && "$OUT/micro/OpenTrain.Clean.Bench.Micro") 2>"$WORK/micro.log" | figures || { tail -30 "$WORK/micro.log" >&2; exit 1; }
fi

figure machine.loadavg_end "$(cut -d' ' -f1 /proc/loadavg)" runnable
log "done: figures in bench/out/last-run.txt"
