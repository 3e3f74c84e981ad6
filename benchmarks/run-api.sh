#!/usr/bin/env bash
# HTTP API benchmark (issue 14): builds benchmarks/Portal.ApiBenchmark in Release and runs it against the real portal
# on a loopback port.
#   benchmarks/run-api.sh                          # 1,000 clusters created through the API by 20 clients, then list/get at 10,000 clusters
#   benchmarks/run-api.sh --clusters 200 --clients 10
#   benchmarks/run-api.sh --list-clusters 20000 --runs 500 --skip-list --keep --timeout-minutes 60
set -euo pipefail

cd "$(dirname "${BASH_SOURCE[0]}")/.."
export DOTNET_CLI_TELEMETRY_OPTOUT=1
export DOTNET_NOLOGO=1
export DOTNET_SKIP_FIRST_TIME_EXPERIENCE=1

PROJECT=benchmarks/Portal.ApiBenchmark/Portal.ApiBenchmark.csproj
echo "==> Building $PROJECT (Release)"
dotnet build "$PROJECT" -c Release -nologo -v quiet -clp:ErrorsOnly
echo "==> Running"
exec benchmarks/Portal.ApiBenchmark/bin/Release/net10.0/Portal.ApiBenchmark "$@"
