#!/usr/bin/env bash
# Crash benchmark for the operations engine: each trial records a batch of 100 operations (three steps of 1 s, each
# leaving an effect keyed by operation and step), starts a replica process (tools/Portal.Replica), kills it with
# SIGKILL at a random moment, starts a new one, waits until the batch is finished, and counts:
#   lost      operations that vanished, or that are recorded as done without all their effects   (target 0)
#   stuck     operations still unfinished two minutes after the restart                          (target 0)
#   re-runs   steps started again after the kill (at-least-once delivery; their effects exist once)
#   benchmarks/run-crash.sh                  # 20 trials on SQLite
#   benchmarks/run-crash.sh --postgresql     # on a throwaway PostgreSQL server (tools/test-postgres.sh)
#   benchmarks/run-crash.sh --trials 5
set -euo pipefail
cd "$(dirname "${BASH_SOURCE[0]}")/.."
export DOTNET_CLI_TELEMETRY_OPTOUT=1 DOTNET_NOLOGO=1 DOTNET_SKIP_FIRST_TIME_EXPERIENCE=1

trials=20
# Each step takes this long, so that a batch of 100 runs for about 6 s on 50 workers and a kill 0.2–2.5 s in lands mid-batch.
step_ms=1000
provider=sqlite
while [[ $# -gt 0 ]]; do
    case "$1" in
        --trials) trials="$2"; shift 2 ;;
        --postgresql) provider=postgresql; shift ;;
        *) echo "usage: $0 [--trials N] [--postgresql]" >&2; exit 2 ;;
    esac
done

echo "==> Building tools/Portal.Replica (Release)"
dotnet build tools/Portal.Replica -c Release -nologo -v quiet -clp:ErrorsOnly
replica=(dotnet tools/Portal.Replica/bin/Release/net10.0/Portal.Replica.dll)

work="$(mktemp -d -t portal-crash.XXXXXX)"
# Its own folder, not inside $work: the server runs as the postgres user, who cannot enter a root-only folder.
pg_dir="$(mktemp -d -t portal-crash-postgres.XXXXXX)"
cleanup() {
    pkill -9 -f "Portal.Replica.dll .*$work" 2>/dev/null || true
    tools/test-postgres.sh stop "$pg_dir"
    rm -rf "$work"
}
trap cleanup EXIT
if [[ "$provider" == postgresql ]]; then
    server="$(tools/test-postgres.sh start "$pg_dir")"
    port="$(sed -E 's/.*Port=([0-9]+).*/\1/' <<<"$server")"
fi

wait_ready() { # log file
    for _ in $(seq 1 600); do grep -q '^ready$' "$1" 2>/dev/null && return 0; sleep 0.1; done
    echo "error: the replica did not start:" >&2; cat "$1" >&2; return 1
}

total_lost=0 total_stuck=0 total_reruns=0
echo "==> $trials trials on $provider: 100 operations each, SIGKILL at a random moment, restart, wait"
for trial in $(seq 1 "$trials"); do
    if [[ "$provider" == sqlite ]]; then
        connection="Data Source=$work/trial-$trial.db;Pooling=True"
    else
        psql -q -h 127.0.0.1 -p "$port" -U postgres -d postgres -c "CREATE DATABASE crash_$trial" >/dev/null
        connection="Host=127.0.0.1;Port=$port;Username=postgres;Database=crash_$trial"
    fi
    "${replica[@]}" enqueue "$provider" "$connection" 100
    "${replica[@]}" "$provider" "$connection" "$work/first-$trial" "$step_ms" >"$work/first-$trial.log" 2>&1 &
    first=$!
    wait_ready "$work/first-$trial.log"
    delay_ms=$(( 200 + RANDOM % 2300 ))
    sleep "$(printf '%d.%03d' $((delay_ms / 1000)) $((delay_ms % 1000)))"
    kill -9 "$first" 2>/dev/null || true
    wait "$first" 2>/dev/null || true
    at_kill="$("${replica[@]}" report "$provider" "$connection" 100)"

    started=$SECONDS
    "${replica[@]}" "$provider" "$connection" "$work/second-$trial" "$step_ms" >"$work/second-$trial.log" 2>&1 &
    second=$!
    wait_ready "$work/second-$trial.log"
    while true; do
        report="$("${replica[@]}" report "$provider" "$connection" 100)"
        [[ "$report" == *"unfinished=0 "* ]] && break
        (( SECONDS - started > 120 )) && break
        sleep 1
    done
    recovered=$(( SECONDS - started ))
    kill -TERM "$second" 2>/dev/null || true
    wait "$second" 2>/dev/null || true

    lost="$(sed -E 's/.*lost=([0-9]+).*/\1/' <<<"$report")"
    stuck="$(sed -E 's/.*unfinished=([0-9]+).*/\1/' <<<"$report")"
    reruns="$(sed -E 's/.*step_reruns=([0-9]+).*/\1/' <<<"$report")"
    total_lost=$(( total_lost + lost )); total_stuck=$(( total_stuck + stuck )); total_reruns=$(( total_reruns + reruns ))
    printf 'trial %2d: killed after %4d ms (%s) -> %s; finished %d s after the restart\n' \
        "$trial" "$delay_ms" "$(sed -E 's/.*(succeeded=[0-9]+).*/\1 done at the kill/' <<<"$at_kill")" "$report" "$recovered"
done
echo "==> $trials trials: lost $total_lost, stuck $total_stuck (targets 0 and 0); steps re-run after a kill: $total_reruns (each effect once)"
(( total_lost == 0 && total_stuck == 0 ))
