#!/usr/bin/env bash
# Catalog performance benchmark (issue 3): builds benchmarks/Portal.Benchmarks in Release and runs it.
#   benchmarks/run.sh            # 1 warm-up + 5 measured runs per scenario
#   benchmarks/run.sh --runs 10  # more measured runs
#   benchmarks/run.sh --keep     # keep the SQLite files (under $TMPDIR/portal-benchmarks-<pid>)
#   benchmarks/run.sh --profile  # also break CatalogService.ImportAsync down into its steps
set -euo pipefail

cd "$(dirname "${BASH_SOURCE[0]}")/.."
export DOTNET_CLI_TELEMETRY_OPTOUT=1
export DOTNET_NOLOGO=1
export DOTNET_SKIP_FIRST_TIME_EXPERIENCE=1

PROJECT=benchmarks/Portal.Benchmarks/Portal.Benchmarks.csproj
echo "==> Building $PROJECT (Release)"
dotnet build "$PROJECT" -c Release -nologo -v quiet -clp:ErrorsOnly

echo "==> Running"
exec benchmarks/Portal.Benchmarks/bin/Release/net10.0/Portal.Benchmarks "$@"
