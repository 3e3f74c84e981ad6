#!/usr/bin/env bash
# Makes sure PostgreSQL's server binaries (initdb, pg_ctl) are there for the PostgreSQL test pass: installs Debian's
# 'postgresql' package with apt-get when run as root, otherwise says what to install. Prints the binaries' folder.
set -euo pipefail

find_bin() {
    local dir
    # Debian keeps them under /usr/lib/postgresql/<version>/bin, off the PATH; take the newest version.
    dir="$(ls -d /usr/lib/postgresql/*/bin 2>/dev/null | sort -V | tail -n 1 || true)"
    if [[ -n "$dir" && -x "$dir/initdb" && -x "$dir/pg_ctl" ]]; then
        echo "$dir"
    elif command -v initdb >/dev/null 2>&1 && command -v pg_ctl >/dev/null 2>&1; then
        dirname "$(readlink -f "$(command -v initdb)")"
    fi
}

bin="$(find_bin)"
if [[ -z "$bin" ]]; then
    if [[ "$(id -u)" != "0" ]]; then
        echo "error: PostgreSQL's server (initdb, pg_ctl) is missing. The PostgreSQL test pass needs Debian's 'postgresql' package:" >&2
        echo "         sudo apt-get install --no-install-recommends postgresql" >&2
        exit 1
    fi
    echo "==> Installing Debian's postgresql package" >&2
    export DEBIAN_FRONTEND=noninteractive
    apt_log="$(mktemp)"
    if ! { apt-get update -qq && apt-get install -y -qq --no-install-recommends postgresql; } >"$apt_log" 2>&1; then
        cat "$apt_log" >&2
        echo "error: installing postgresql failed (output above)" >&2
        exit 1
    fi
    rm -f "$apt_log"
    bin="$(find_bin)"
    if [[ -z "$bin" ]]; then
        echo "error: postgresql was installed, but initdb and pg_ctl were not found under /usr/lib/postgresql/*/bin" >&2
        exit 1
    fi
fi
echo "$bin"
