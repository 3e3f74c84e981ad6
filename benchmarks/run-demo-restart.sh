#!/usr/bin/env bash
# Demo restart benchmark (issue 12): start-up time of a host whose demo cloud remembers its state, with an empty demo
# store and with 20 Active clusters in it (each the median of 5 restarts after a warm-up), and a check that every
# cluster is still there and Active after the restarts.
#   benchmarks/run-demo-restart.sh                  # 20 clusters, 5 restarts each
#   benchmarks/run-demo-restart.sh --clusters 50 --runs 9
set -euo pipefail
exec "$(dirname "${BASH_SOURCE[0]}")/run-clusters.sh" --demo-restart "$@"
