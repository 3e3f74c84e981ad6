#!/usr/bin/env bash
# Managed Kubernetes benchmark (issue 5): builds benchmarks/Portal.ClustersBenchmark in Release and runs it.
#   benchmarks/run-clusters.sh                       # 500 clusters × 3 pools provisioned concurrently, then the list with 10,000 clusters
#   benchmarks/run-clusters.sh --clusters 100        # fewer clusters (the list is still topped up to 10,000)
#   benchmarks/run-clusters.sh --parallel 64         # concurrent CreateAsync requests (default 32)
#   benchmarks/run-clusters.sh --max-concurrency 100 # override the engine's MaxConcurrency (default: production's)
#   benchmarks/run-clusters.sh --list-clusters 20000 --runs 100 --skip-list --keep --timeout-minutes 30 --poll-ms 250
set -euo pipefail

cd "$(dirname "${BASH_SOURCE[0]}")/.."
export DOTNET_CLI_TELEMETRY_OPTOUT=1
export DOTNET_NOLOGO=1
export DOTNET_SKIP_FIRST_TIME_EXPERIENCE=1

PROJECT=benchmarks/Portal.ClustersBenchmark/Portal.ClustersBenchmark.csproj
echo "==> Building $PROJECT (Release)"
dotnet build "$PROJECT" -c Release -nologo -v quiet -clp:ErrorsOnly

echo "==> Running"
exec benchmarks/Portal.ClustersBenchmark/bin/Release/net10.0/Portal.ClustersBenchmark "$@"
