#!/usr/bin/env bash
# Blazor circuit memory/latency benchmark: builds benchmarks/Portal.CircuitsBenchmark (Release) into the fixed folder
# benchmarks/.out/circuits (so this script does not depend on the target framework) and runs it.
#   benchmarks/run-circuits.sh                                  # 25, 50, 100, 200 circuits on /clusters with 1,000 clusters
#   benchmarks/run-circuits.sh --counts 10,20 --clicks 20       # a quick run
#   benchmarks/run-circuits.sh --clusters 5000 --keep           # more clusters; keep the data folder ($TMPDIR/portal-circuits-benchmark-<pid>)
#   benchmarks/run-circuits.sh --next-button '^Next$' --previous-button '^Previous$' --row-link 'table a.cell-title'
#   more: --pages-per-context 25 --parallel 4 --settle-seconds 5 --min-available-mb 3072 --control-pages 25
#         --hold-seconds 120 (pause after each N, e.g. to take a dotnet-gcdump of the process)
# Needs Debian's chromium package (/usr/bin/chromium; installed here when run as root). Playwright never downloads browsers.
set -euo pipefail

cd "$(dirname "${BASH_SOURCE[0]}")/.."
export DOTNET_CLI_TELEMETRY_OPTOUT=1
export DOTNET_NOLOGO=1
export DOTNET_SKIP_FIRST_TIME_EXPERIENCE=1
export PLAYWRIGHT_SKIP_BROWSER_DOWNLOAD=1
# The portal runs from build output; in Production that serves no static assets on newer frameworks.
export ASPNETCORE_ENVIRONMENT=Development

tools/ensure-chromium.sh

PROJECT=benchmarks/Portal.CircuitsBenchmark/Portal.CircuitsBenchmark.csproj
OUT=benchmarks/.out/circuits
echo "==> Building $PROJECT (Release) into $OUT"
dotnet build "$PROJECT" -c Release -o "$OUT" -nologo -v quiet -clp:ErrorsOnly

echo "==> Running"
exec "$OUT/Portal.CircuitsBenchmark" "$@"
