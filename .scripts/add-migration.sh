#!/usr/bin/env bash
# Adds one migration with the same name to both providers (SQLite and SQL Server), as DESIGN.md §6.7 asks.
# Usage: .scripts/add-migration.sh <MigrationName>
set -euo pipefail
name=${1:?usage: .scripts/add-migration.sh <MigrationName>}
cd "$(dirname "$0")/.."
dotnet tool restore >/dev/null
dotnet build src/ProcoreAdmin.Web -v q -nologo
for provider in Sqlite SqlServer; do
  # SqlServer needs a connection string to configure the provider; no server is contacted.
  dotnet ef migrations add "$name" --no-build \
    --project "migrations/ProcoreAdmin.Migrations.$provider" \
    --startup-project src/ProcoreAdmin.Web \
    --output-dir Migrations \
    -- --Database:Provider "$provider" --Database:ConnectionString "$( [ $provider = SqlServer ] && echo 'Server=design-time;Database=ProcoreAdmin;TrustServerCertificate=True' || echo 'Data Source=design-time.db')"
done
echo "Added migration '$name' for SQLite and SQL Server."
