#!/usr/bin/env bash
# Makes sure Debian's chromium (/usr/bin/chromium) is there for the browser tests and the circuit benchmark:
# installs it with apt-get when run as root, otherwise says what to install. Playwright never downloads browsers.
set -euo pipefail
[[ -x /usr/bin/chromium ]] && exit 0
if [[ "$(id -u)" != "0" ]]; then
    echo "error: /usr/bin/chromium is missing. Browser tests and benchmarks need Debian's 'chromium' package:" >&2
    echo "         sudo apt-get install --no-install-recommends chromium" >&2
    exit 1
fi
echo "==> Installing Debian's chromium package"
export DEBIAN_FRONTEND=noninteractive
apt_log="$(mktemp)"
if ! { apt-get update -qq && apt-get install -y -qq --no-install-recommends chromium; } >"$apt_log" 2>&1; then
    cat "$apt_log" >&2
    echo "error: installing chromium failed (output above)" >&2
    exit 1
fi
rm -f "$apt_log"
