#!/usr/bin/env bash
# Scaffolds an EF Core migration for Portal.Domain with `dotnet ef` (the local tool pinned in .config/dotnet-tools.json):
#   ./tools/add-migration.sh NameByIntent
# The model's design-time context comes from Portal.Domain/Data/DesignTimeDbContextFactory.cs.
set -euo pipefail
cd "$(dirname "$0")/.."
if [[ $# -ne 1 || -z "$1" ]]; then
    echo "usage: $0 <MigrationName>" >&2
    exit 2
fi
dotnet tool restore >/dev/null
dotnet ef migrations add "$1" --project Portal.Domain --startup-project Portal.Domain \
    --output-dir Data/Migrations --namespace Portal.Domain.Data.Migrations
