#!/usr/bin/env bash
# Scaffolds an EF Core migration for every database provider with `dotnet ef` (the local tool pinned in
# .config/dotnet-tools.json), one migrations project each:
#   ./tools/add-migration.sh NameByIntent
# Each project's design-time context comes from its DesignTimeDbContextFactory.cs (the portal's own provider
# wiring; nothing connects to a database). Rebuild afterwards: a stale build of a migrations assembly applies nothing.
set -euo pipefail
cd "$(dirname "$0")/.."
if [[ $# -ne 1 || -z "$1" ]]; then
    echo "usage: $0 <MigrationName>" >&2
    exit 2
fi
dotnet tool restore >/dev/null
for provider in Sqlite PostgreSql; do
    echo "==> $1 for $provider (Portal.Migrations.$provider/Migrations)"
    dotnet ef migrations add "$1" --project "Portal.Migrations.$provider" --startup-project "Portal.Migrations.$provider" \
        --output-dir Migrations --namespace "Portal.Migrations.$provider.Migrations"
done
