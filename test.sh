#!/usr/bin/env bash
# The one command that runs every test: ./test.sh [extra dotnet test arguments]
#   ./test.sh --filter "FullyQualifiedName~Portal.Tests.E2E"
# Needs the .NET SDK (global.json), Debian's chromium package for the browser tests and Debian's postgresql package
# for the PostgreSQL pass (both installed with apt-get when missing and run as root).
# Two passes: every test on SQLite, then the database-backed integration tests again on PostgreSQL (a throwaway
# server, tools/test-postgres.sh). Extra arguments go to both passes; without them the second pass runs the
# database-backed integration tests only (no browser or component tests).
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

# The PostgreSQL pass's server: started now, stopped and deleted however this script ends.
pg_dir="$(mktemp -d -t portal-test-postgres.XXXXXX)"
trap 'tools/test-postgres.sh stop "$pg_dir"' EXIT
echo "==> Starting a throwaway PostgreSQL server for the tests (tools/test-postgres.sh)"
PORTAL_TEST_POSTGRES="$(tools/test-postgres.sh start "$pg_dir")"
export PORTAL_TEST_POSTGRES

echo "==> dotnet build Portal.sln -c $CONFIGURATION"
dotnet build Portal.sln -c "$CONFIGURATION" --nologo

status=0
echo "==> dotnet test on SQLite (results in $RESULTS)"
PORTAL_TEST_DATABASE=sqlite dotnet test Portal.sln -c "$CONFIGURATION" --no-build --nologo \
    --results-directory "$RESULTS" \
    --logger "console;verbosity=normal" \
    --logger "trx;LogFilePrefix=Portal" \
    "$@" || status=$?

# The tests whose database is a ScratchDatabase (TestDatabase, the test hosts, the web factory).
database_tests="FullyQualifiedName~Portal.Tests.Integration.Domain|FullyQualifiedName~Portal.Tests.Integration.Infrastructures"
database_tests+="|FullyQualifiedName~Portal.Tests.Integration.Operations|FullyQualifiedName~Portal.Tests.Integration.ServiceConfigs|FullyQualifiedName~Portal.Tests.Integration.Clusters"
database_tests+="|FullyQualifiedName~Portal.Tests.Integration.Web|FullyQualifiedName~Portal.Tests.Integration.Keycloak.DirectorySignInServiceTests"
database_tests+="|FullyQualifiedName~Portal.Tests.Integration.Databases|FullyQualifiedName~Portal.Tests.Integration.Api"
pass_arguments=("$@")
[[ $# -eq 0 ]] && pass_arguments=(--filter "$database_tests")
echo "==> dotnet test on PostgreSQL: the database-backed integration tests again (results in $RESULTS)"
started=$SECONDS
PORTAL_TEST_DATABASE=postgresql dotnet test Portal.Tests -c "$CONFIGURATION" --no-build --nologo \
    --results-directory "$RESULTS" \
    --logger "console;verbosity=minimal" \
    --logger "trx;LogFilePrefix=Portal-PostgreSql" \
    "${pass_arguments[@]}" || status=$?
echo "==> The PostgreSQL pass took $(( SECONDS - started )) s"
exit "$status"
