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

if [[ ! -x /usr/bin/chromium ]]; then
    if [[ "$(id -u)" == "0" ]]; then
        echo "==> Installing Debian's chromium package"
        export DEBIAN_FRONTEND=noninteractive
        apt_log="$(mktemp)"
        if ! { apt-get update -qq && apt-get install -y -qq --no-install-recommends chromium; } >"$apt_log" 2>&1; then
            cat "$apt_log" >&2
            echo "error: installing chromium failed (output above)" >&2
            exit 1
        fi
        rm -f "$apt_log"
    else
        echo "error: /usr/bin/chromium is missing: sudo apt-get install --no-install-recommends chromium" >&2
        exit 1
    fi
fi

PROJECT=benchmarks/Portal.CircuitsBenchmark/Portal.CircuitsBenchmark.csproj
OUT=benchmarks/.out/circuits
echo "==> Building $PROJECT (Release) into $OUT"
dotnet build "$PROJECT" -c Release -o "$OUT" -nologo -v quiet -clp:ErrorsOnly

echo "==> Running"
exec "$OUT/Portal.CircuitsBenchmark" "$@"
