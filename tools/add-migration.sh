#!/usr/bin/env bash
# Scaffolds an EF Core migration for Portal.Domain: ./tools/add-migration.sh NameByIntent
set -euo pipefail
cd "$(dirname "$0")/.."
dotnet run --project tools/Portal.Migrations -- "$@"
