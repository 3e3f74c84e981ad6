#!/usr/bin/env bash
# Crash trials of cluster operations: builds benchmarks/Portal.CrashTrials (Release) and runs it. Each trial starts the
# real portal (production settings, SQLite and the demo cloud's state in a temporary data folder, a faster demo cloud),
# and for a create, a node pool scale, a control plane upgrade and a delete of one cluster — asked for through the HTTP
# API — kills the portal with SIGKILL (kill -9) at a random moment during the operation, restarts it on the same data
# and waits until the operation ends. Prints: trials run, operations that ended Error / Failed-by-timeout, lost
# (an operation or the cluster missing) and duplicated (two clusters, or two operations, for one request).
#   benchmarks/run-crash-trials.sh                 # 12 trials
#   benchmarks/run-crash-trials.sh --trials 20 --seed 42 --keep
set -euo pipefail
cd "$(dirname "${BASH_SOURCE[0]}")/.."
export DOTNET_CLI_TELEMETRY_OPTOUT=1 DOTNET_NOLOGO=1 DOTNET_SKIP_FIRST_TIME_EXPERIENCE=1

PROJECT=benchmarks/Portal.CrashTrials/Portal.CrashTrials.csproj
echo "==> Building $PROJECT (Release)"
dotnet build "$PROJECT" -c Release -nologo -v quiet -clp:ErrorsOnly
echo "==> Running"
exec benchmarks/Portal.CrashTrials/bin/Release/net10.0/Portal.CrashTrials "$@"
