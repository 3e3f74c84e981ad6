#!/usr/bin/env bash
# A throwaway PostgreSQL server for the tests, on 127.0.0.1 and a free port, in a temporary folder:
#   tools/test-postgres.sh start DIR   starts a server in the empty folder DIR; prints its connection string
#   tools/test-postgres.sh stop DIR    stops it and deletes DIR
#   tools/test-postgres.sh run CMD...  starts one, runs CMD with PORTAL_TEST_POSTGRES set to it, stops it
# e.g. tools/test-postgres.sh run env PORTAL_TEST_DATABASE=postgresql dotnet test Portal.Tests -c Release --no-build
# Trust authentication for loopback and no fsync: for tests only. initdb refuses to run as root, so as root the
# server runs as the 'postgres' user (Debian's package creates it).
set -euo pipefail
cd "$(dirname "${BASH_SOURCE[0]}")/.."

as_server_user() {
    if [[ "$(id -u)" == "0" ]]; then
        runuser -u postgres -- "$@"
    else
        "$@"
    fi
}

start() {
    local dir="$1" bin port attempt
    bin="$(tools/ensure-postgres.sh)"
    mkdir -p "$dir"
    [[ "$(id -u)" == "0" ]] && chown postgres: "$dir"
    as_server_user "$bin/initdb" -D "$dir/data" -U postgres --auth=trust --encoding=UTF8 --locale=C.UTF-8 >"$dir/initdb.log" 2>&1 \
        || { cat "$dir/initdb.log" >&2; echo "error: initdb failed (output above)" >&2; return 1; }
    for attempt in 1 2 3 4 5; do
        port=$(( 20000 + RANDOM % 40000 ))
        # Something already answers there: try another port.
        if (exec 3<>"/dev/tcp/127.0.0.1/$port") 2>/dev/null; then continue; fi
        if as_server_user "$bin/pg_ctl" -D "$dir/data" -l "$dir/server.log" -w -t 60 start -o \
            "-c listen_addresses=127.0.0.1 -p $port -c unix_socket_directories='$dir' -c fsync=off -c synchronous_commit=off -c full_page_writes=off -c max_connections=300" \
            >/dev/null 2>&1; then
            echo "Host=127.0.0.1;Port=$port;Username=postgres;Database=postgres"
            return 0
        fi
    done
    cat "$dir/server.log" >&2 || true
    echo "error: the test PostgreSQL server did not start (log above)" >&2
    return 1
}

stop() {
    local dir="$1" bin
    if [[ -f "$dir/data/postmaster.pid" ]]; then
        bin="$(tools/ensure-postgres.sh)"
        as_server_user "$bin/pg_ctl" -D "$dir/data" -m immediate -w stop >/dev/null 2>&1 || true
    fi
    rm -rf "$dir"
}

case "${1:-}" in
    start) start "$2" ;;
    stop) stop "$2" ;;
    run)
        shift
        dir="$(mktemp -d -t portal-test-postgres.XXXXXX)"
        trap 'stop "$dir"' EXIT
        PORTAL_TEST_POSTGRES="$(start "$dir")"
        export PORTAL_TEST_POSTGRES
        "$@"
        ;;
    *)
        echo "usage: $0 start DIR | stop DIR | run COMMAND..." >&2
        exit 2
        ;;
esac
