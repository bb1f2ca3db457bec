#!/usr/bin/env bash
# The one test command: installs what the tests need (Debian's Chromium, the dotnet-ef tool), restores in locked mode,
# checks the code style (dotnet format --verify-no-changes), builds, runs every test project in the solution (unit, bUnit, integration, browser), and prints "N passed, N failed".
# Exits non-zero on any failure.
set -uo pipefail
cd "$(dirname "$0")/.."

if [ ! -x /usr/bin/chromium ] && [ -z "${PROCOREADMIN_CHROMIUM:-}" ]; then
  echo "Installing Chromium for the browser tests (Debian package 'chromium')…"
  SUDO=""; [ "$(id -u)" -ne 0 ] && SUDO="sudo"
  $SUDO apt-get update -qq && DEBIAN_FRONTEND=noninteractive $SUDO apt-get install -y -qq chromium >/dev/null \
    || { echo "Could not install chromium"; echo "0 passed, 1 failed"; exit 1; }
fi

# --- Server database and proxy for the topology tests (PostgreSQL, nginx) ---------------------------------------
# PROCOREADMIN_TEST_POSTGRES points the tests at an existing PostgreSQL server: a connection string whose role may
# create and drop databases (each test makes its own), e.g.
#   PROCOREADMIN_TEST_POSTGRES="Host=127.0.0.1;Port=5432;Username=postgres;Password=…" .scripts/test.sh
# Unset: installs Debian's postgresql when missing, creates a throw-away cluster (initdb, as the postgres user when
# run as root) on a free loopback port under a temp folder, and removes it when the script exits.
# nginx (Debian package) is installed when missing for the reverse-proxy tests; the tests start it themselves.
SUDO=""; [ "$(id -u)" -ne 0 ] && SUDO="sudo"
apt_install() {
  $SUDO apt-get update -qq && DEBIAN_FRONTEND=noninteractive $SUDO apt-get install -y -qq "$@" >/dev/null
}
if ! command -v nginx >/dev/null && [ ! -x /usr/sbin/nginx ]; then
  echo "Installing nginx for the reverse-proxy tests (Debian package 'nginx')…"
  apt_install nginx || { echo "Could not install nginx"; echo "0 passed, 1 failed"; exit 1; }
fi
pg_folder=""
stop_postgres() {
  [ -n "$pg_folder" ] || return 0
  as_pg "$pg_bin/pg_ctl" -D "$pg_folder/data" -m immediate stop >/dev/null 2>&1
  rm -rf "$pg_folder"
}
if [ -z "${PROCOREADMIN_TEST_POSTGRES:-}" ]; then
  pg_bin=$(ls -d /usr/lib/postgresql/*/bin 2>/dev/null | sort -V | tail -1)
  if [ -z "$pg_bin" ]; then
    echo "Installing PostgreSQL for the server-database tests (Debian package 'postgresql')…"
    apt_install postgresql || { echo "Could not install postgresql"; echo "0 passed, 1 failed"; exit 1; }
    pg_bin=$(ls -d /usr/lib/postgresql/*/bin | sort -V | tail -1)
  fi
  if [ "$(id -u)" -eq 0 ]; then as_pg() { runuser -u postgres -- "$@"; }; else as_pg() { "$@"; }; fi
  pg_folder=$(mktemp -d /tmp/procoreadmin-pg.XXXXXX)
  [ "$(id -u)" -eq 0 ] && chown postgres "$pg_folder"
  trap stop_postgres EXIT
  as_pg "$pg_bin/initdb" -D "$pg_folder/data" -U postgres --auth=trust -E UTF8 --no-locale >"$pg_folder/initdb.log" 2>&1 \
    || { cat "$pg_folder/initdb.log"; echo "initdb failed"; echo "0 passed, 1 failed"; exit 1; }
  pg_started=""
  for _ in 1 2 3 4 5 6 7 8 9 10; do
    pg_port=$((20000 + RANDOM % 40000))
    (exec 3<>"/dev/tcp/127.0.0.1/$pg_port") 2>/dev/null && continue   # something listens there already
    if as_pg "$pg_bin/pg_ctl" -D "$pg_folder/data" -l "$pg_folder/server.log" -w -t 60 start \
        -o "-c listen_addresses=127.0.0.1 -p $pg_port -k $pg_folder -c max_connections=300 -c fsync=off" >/dev/null; then
      pg_started=1; break
    fi
  done
  [ -n "$pg_started" ] || { cat "$pg_folder/server.log"; echo "Could not start PostgreSQL"; echo "0 passed, 1 failed"; exit 1; }
  export PROCOREADMIN_TEST_POSTGRES="Host=127.0.0.1;Port=$pg_port;Username=postgres;Database=postgres"
  echo "PostgreSQL $("$pg_bin/postgres" --version | awk '{print $3}') for the tests on 127.0.0.1:$pg_port (throw-away cluster in $pg_folder)."
fi
# --- end of server database and proxy ---------------------------------------------------------------------------

dotnet tool restore >/dev/null || { echo "dotnet tool restore failed"; echo "0 passed, 1 failed"; exit 1; }

# Packages exactly as the committed packages.lock.json files pin them (a changed dependency must come with its lock file).
dotnet restore ProcoreAdmin.sln --locked-mode -v q || { echo "dotnet restore --locked-mode failed (packages.lock.json out of date?)"; echo "0 passed, 1 failed"; exit 1; }

# Code style (.editorconfig): a difference counts as one failed test; `dotnet format ProcoreAdmin.sln` fixes it.
format_failed=0
if dotnet format ProcoreAdmin.sln --verify-no-changes --no-restore -v q; then
  echo "dotnet format: no changes needed."
else
  echo "dotnet format: the code differs from .editorconfig's style; run 'dotnet format ProcoreAdmin.sln'."; format_failed=1
fi

results=$(mktemp -d)
dotnet test ProcoreAdmin.sln --no-restore --logger "trx" --results-directory "$results" "$@"
status=$?

# --- The README's production migration commands, run for real (topology) ----------------------------------------
# Generates the idempotent PostgreSQL script exactly as "Run in production" shows and applies it twice (idempotent)
# with psql to a fresh database on the test server. A failure counts as one failed test.
readme_failed=0
if [ -n "${PROCOREADMIN_TEST_POSTGRES:-}" ] && command -v psql >/dev/null; then
  script_dir=$(mktemp -d)
  pg_url=$(echo "$PROCOREADMIN_TEST_POSTGRES" | tr ';' '\n' | awk -F= 'tolower($1)=="host"{h=$2} tolower($1)=="port"{p=$2} tolower($1)=="username"{u=$2} tolower($1)=="password"{w=$2} END{printf "postgresql://%s%s@%s:%s", u, (w!=""?":"w:""), h, (p!=""?p:5432)}')
  db="procoreadmin_readme_$$"; export PGOPTIONS="-c client_min_messages=warning"
  if dotnet ef migrations script --idempotent --project migrations/ProcoreAdmin.Migrations.Postgres \
       --startup-project src/ProcoreAdmin.Web -o "$script_dir/procoreadmin-postgres.sql" -- --Database:Provider Postgres --Database:ConnectionString "Host=x" >"$script_dir/ef.log" 2>&1 \
     && psql "$pg_url/postgres" -q -c "CREATE DATABASE $db" \
     && psql "$pg_url/$db" -q -v ON_ERROR_STOP=1 -f "$script_dir/procoreadmin-postgres.sql" >/dev/null \
     && psql "$pg_url/$db" -q -v ON_ERROR_STOP=1 -f "$script_dir/procoreadmin-postgres.sql" >/dev/null; then
    echo "README production migration script: generated and applied (twice) to a fresh PostgreSQL database."
  else
    cat "$script_dir/ef.log"; echo "README production migration script FAILED."; readme_failed=1
  fi
  psql "$pg_url/postgres" -q -c "DROP DATABASE IF EXISTS $db" >/dev/null 2>&1
  rm -rf "$script_dir"
fi
# --- end of README production migration commands ----------------------------------------------------------------

passed=0; failed=0; skipped=0
for trx in "$results"/*.trx; do
  [ -f "$trx" ] || continue
  counters=$(grep -o '<Counters [^>]*>' "$trx" | head -1)
  p=$(echo "$counters" | sed -n 's/.* passed="\([0-9]*\)".*/\1/p'); f=$(echo "$counters" | sed -n 's/.* failed="\([0-9]*\)".*/\1/p')
  e=$(echo "$counters" | sed -n 's/.* error="\([0-9]*\)".*/\1/p'); t=$(echo "$counters" | sed -n 's/.* timeout="\([0-9]*\)".*/\1/p')
  n=$(echo "$counters" | sed -n 's/.* notExecuted="\([0-9]*\)".*/\1/p')
  passed=$((passed + ${p:-0})); failed=$((failed + ${f:-0} + ${e:-0} + ${t:-0})); skipped=$((skipped + ${n:-0}))
done
rm -rf "$results"

failed=$((failed + readme_failed + format_failed))
# A Release publish must hold no development companion (DevIdentity, simulator, OpenIddict).
if .scripts/check-release-publish.sh; then passed=$((passed + 1)); else failed=$((failed + 1)); status=1; fi

if [ $status -ne 0 ] && [ $failed -eq 0 ]; then failed=1; echo "dotnet test exited with $status (build or runner failure)."; fi
[ $skipped -gt 0 ] && echo "($skipped skipped: tests that need a SQL Server connection string; see README)"
echo "$passed passed, $failed failed"
[ $failed -eq 0 ] && [ $status -eq 0 ]
