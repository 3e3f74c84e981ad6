#!/usr/bin/env bash
# First-call latency of the Kubernetes client against the in-process demo API (issue 12), in fresh processes.
#   benchmarks/run-kube-first-call.sh          # 7 runs, prints each run and the median of each figure
#   benchmarks/run-kube-first-call.sh 15       # 15 runs
set -euo pipefail

cd "$(dirname "${BASH_SOURCE[0]}")/.."
export DOTNET_CLI_TELEMETRY_OPTOUT=1
export DOTNET_NOLOGO=1
export DOTNET_SKIP_FIRST_TIME_EXPERIENCE=1
RUNS="${1:-7}"

PROJECT=benchmarks/Portal.KubeFirstCall/Portal.KubeFirstCall.csproj
echo "==> Building $PROJECT (Release)"
dotnet build "$PROJECT" -c Release -nologo -v quiet -clp:ErrorsOnly
BIN=benchmarks/Portal.KubeFirstCall/bin/Release/net10.0/Portal.KubeFirstCall

echo "==> $RUNS fresh processes"
out="$(mktemp)"
for _ in $(seq "$RUNS"); do "$BIN" | tee -a "$out"; done
echo "==> median"
for key in create_ms first_call_ms first_total_ms from_process_start_ms second_call_ms working_set_mb; do
    grep -o "$key=[0-9.]*" "$out" | cut -d= -f2 | sort -n | awk -v k="$key" '{a[NR]=$1} END {printf "%s=%s ", k, a[int((NR+1)/2)]}'
done
echo
rm -f "$out"
