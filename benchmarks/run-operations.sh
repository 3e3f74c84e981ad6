#!/usr/bin/env bash
# Operations engine benchmark (issue 4): builds benchmarks/Portal.OperationsBenchmark in Release and runs it.
#   benchmarks/run-operations.sh                # 1,000 no-op operations, burst and paced at 200/s
#   benchmarks/run-operations.sh --count 5000   # more operations
#   benchmarks/run-operations.sh --rate 300     # pace the second scenario differently
#   benchmarks/run-operations.sh --keep         # keep the SQLite files (under $TMPDIR/portal-operations-benchmark-<pid>)
#   benchmarks/run-operations.sh --postgresql   # on PostgreSQL: a throwaway server (tools/test-postgres.sh), Hangfire's jobs in it
set -euo pipefail

cd "$(dirname "${BASH_SOURCE[0]}")/.."
export DOTNET_CLI_TELEMETRY_OPTOUT=1
export DOTNET_NOLOGO=1
export DOTNET_SKIP_FIRST_TIME_EXPERIENCE=1

PROJECT=benchmarks/Portal.OperationsBenchmark/Portal.OperationsBenchmark.csproj
echo "==> Building $PROJECT (Release)"
dotnet build "$PROJECT" -c Release -nologo -v quiet -clp:ErrorsOnly

BENCHMARK=benchmarks/Portal.OperationsBenchmark/bin/Release/net10.0/Portal.OperationsBenchmark
if [[ "${1:-}" == "--postgresql" ]]; then
    shift
    echo "==> Running on a throwaway PostgreSQL server"
    exec tools/test-postgres.sh run bash -c 'PORTAL_BENCHMARK_POSTGRES="$PORTAL_TEST_POSTGRES" exec "$0" "$@"' "$BENCHMARK" "$@"
fi
echo "==> Running"
exec "$BENCHMARK" "$@"
