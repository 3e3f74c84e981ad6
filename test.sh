#!/usr/bin/env bash
# The one command that runs every test: ./test.sh [extra dotnet test arguments]
#   ./test.sh --filter "FullyQualifiedName~Portal.Tests.E2E"
# Needs the .NET SDK (global.json) and Debian's chromium package for the browser tests.
set -euo pipefail

cd "$(dirname "${BASH_SOURCE[0]}")"
ROOT="$(pwd)"
CONFIGURATION=Release
RESULTS="$ROOT/TestResults"

export DOTNET_CLI_TELEMETRY_OPTOUT=1
export DOTNET_NOLOGO=1
export DOTNET_SKIP_FIRST_TIME_EXPERIENCE=1
# Browser tests use /usr/bin/chromium; Playwright must never download its own browsers.
export PLAYWRIGHT_SKIP_BROWSER_DOWNLOAD=1

tools/ensure-chromium.sh

# The Keycloak sign-in tests run a real OpenID Provider (npm's oidc-provider) from tools/test-oidc.
if ! command -v npm >/dev/null 2>&1; then
    if [[ "$(id -u)" == "0" ]]; then
        echo "==> Installing Node.js and npm with apt-get (needed by the Keycloak sign-in tests)"
        export DEBIAN_FRONTEND=noninteractive
        apt_log="$(mktemp)"
        # One package where the machine's apt source bundles npm with Node.js; Debian's own splits them.
        if ! { apt-get update -qq && { apt-get install -y -qq --no-install-recommends nodejs && command -v npm >/dev/null 2>&1 \
                || apt-get install -y -qq --no-install-recommends nodejs npm; }; } >"$apt_log" 2>&1; then
            cat "$apt_log" >&2
            echo "error: installing Node.js and npm failed (output above)" >&2
            exit 1
        fi
        rm -f "$apt_log"
    else
        echo "error: npm (Node.js 20 or later) is missing. The Keycloak sign-in tests need it: sudo apt-get install nodejs npm" >&2
        exit 1
    fi
fi
echo "==> npm ci (tools/test-oidc: the test OpenID Provider)"
npm ci --prefix tools/test-oidc --no-audit --no-fund --loglevel=error

echo "==> dotnet build Portal.sln -c $CONFIGURATION"
dotnet build Portal.sln -c "$CONFIGURATION" --nologo

echo "==> dotnet test (results in $RESULTS)"
dotnet test Portal.sln -c "$CONFIGURATION" --no-build --nologo \
    --results-directory "$RESULTS" \
    --logger "console;verbosity=normal" \
    --logger "trx;LogFilePrefix=Portal" \
    "$@"
