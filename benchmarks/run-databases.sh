#!/usr/bin/env bash
# Managed PostgreSQL benchmark: builds benchmarks/Portal.DatabasesBenchmark in Release and runs it.
#   benchmarks/run-databases.sh                        # 200 databases (1 instance, backups off) created concurrently, then the list with 10,000 databases
#   benchmarks/run-databases.sh --instances 3          # 3 instances each (primary 8 s, then each replica 4 s in the demo)
#   benchmarks/run-databases.sh --parallel 64          # concurrent CreateAsync requests (default 32)
#   benchmarks/run-databases.sh --list-databases 20000 --runs 100
#   benchmarks/run-databases.sh --skip-list | --skip-provisioning
#   benchmarks/run-databases.sh --postgresql ...     # on a throwaway PostgreSQL server (tools/test-postgres.sh) instead of SQLite
#   more: --backups, --primary-ms MS, --replica-ms MS, --max-concurrency C (engine), --poll-ms MS, --timeout-minutes T, --keep
set -euo pipefail

cd "$(dirname "${BASH_SOURCE[0]}")/.."
export DOTNET_CLI_TELEMETRY_OPTOUT=1
export DOTNET_NOLOGO=1
export DOTNET_SKIP_FIRST_TIME_EXPERIENCE=1

PROJECT=benchmarks/Portal.DatabasesBenchmark/Portal.DatabasesBenchmark.csproj
echo "==> Building $PROJECT (Release)"
dotnet build "$PROJECT" -c Release -nologo -v quiet -clp:ErrorsOnly

BENCHMARK=benchmarks/Portal.DatabasesBenchmark/bin/Release/net10.0/Portal.DatabasesBenchmark
if [[ "${1:-}" == "--postgresql" ]]; then
    shift
    echo "==> Running on a throwaway PostgreSQL server"
    exec tools/test-postgres.sh run bash -c 'PORTAL_BENCHMARK_POSTGRES="$PORTAL_TEST_POSTGRES" exec "$0" "$@"' "$BENCHMARK" "$@"
fi
echo "==> Running"
exec "$BENCHMARK" "$@"
