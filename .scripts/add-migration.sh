#!/usr/bin/env bash
# Adds one migration with the same name to every provider (SQLite, SQL Server, PostgreSQL),; one model, every provider in step.
# Usage: .scripts/add-migration.sh <MigrationName>
set -euo pipefail
name=${1:?usage: .scripts/add-migration.sh <MigrationName>}
cd "$(dirname "$0")/.."
dotnet tool restore >/dev/null
dotnet build src/ProcoreAdmin.Web -v q -nologo
for provider in Sqlite SqlServer Postgres; do
  # Server providers need a connection string to configure the provider; no server is contacted.
  case $provider in
    Sqlite) connection='Data Source=design-time.db' ;;
    SqlServer) connection='Server=design-time;Database=ProcoreAdmin;TrustServerCertificate=True' ;;
    Postgres) connection='Host=design-time;Database=procoreadmin' ;;
  esac
  dotnet ef migrations add "$name" --no-build \
    --project "migrations/ProcoreAdmin.Migrations.$provider" \
    --startup-project src/ProcoreAdmin.Web \
    --output-dir Migrations \
    -- --Database:Provider "$provider" --Database:ConnectionString "$connection"
done
echo "Added migration '$name' for SQLite, SQL Server and PostgreSQL."
