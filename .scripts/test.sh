#!/usr/bin/env bash
# The one test command: installs what the tests need (Debian's Chromium, the dotnet-ef tool), builds,
# runs every test project in the solution (unit, bUnit, integration, browser), and prints "N passed, N failed".
# Exits non-zero on any failure.
set -uo pipefail
cd "$(dirname "$0")/.."

if [ ! -x /usr/bin/chromium ] && [ -z "${PROCOREADMIN_CHROMIUM:-}" ]; then
  echo "Installing Chromium for the browser tests (Debian package 'chromium')…"
  SUDO=""; [ "$(id -u)" -ne 0 ] && SUDO="sudo"
  $SUDO apt-get update -qq && DEBIAN_FRONTEND=noninteractive $SUDO apt-get install -y -qq chromium >/dev/null \
    || { echo "Could not install chromium"; echo "0 passed, 1 failed"; exit 1; }
fi

dotnet tool restore >/dev/null || { echo "dotnet tool restore failed"; echo "0 passed, 1 failed"; exit 1; }

results=$(mktemp -d)
dotnet test ProcoreAdmin.sln --logger "trx" --results-directory "$results" "$@"
status=$?

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

# A Release publish must hold no development companion (DevIdentity, simulator, OpenIddict).
if .scripts/check-release-publish.sh; then passed=$((passed + 1)); else failed=$((failed + 1)); status=1; fi

if [ $status -ne 0 ] && [ $failed -eq 0 ]; then failed=1; echo "dotnet test exited with $status (build or runner failure)."; fi
[ $skipped -gt 0 ] && echo "($skipped skipped: tests that need a SQL Server connection string; see README)"
echo "$passed passed, $failed failed"
[ $failed -eq 0 ] && [ $status -eq 0 ]
