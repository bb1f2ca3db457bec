#!/usr/bin/env bash
# Proves that a Release publish of the web app holds no development companion: no DevIdentity (a sign-in provider
# whose seeded accounts share the password "dev"), no Procore simulator, no OpenIddict, none of their dependencies.
# Prints "release publish: clean" or the offending files, and exits non-zero when any is found.
set -uo pipefail
cd "$(dirname "$0")/.."

out=$(mktemp -d)
trap 'rm -rf "$out"' EXIT
if ! dotnet publish src/ProcoreAdmin.Web -c Release -o "$out" -v q -nologo >"$out.log" 2>&1; then
  cat "$out.log"; rm -f "$out.log"
  echo "release publish: FAILED (dotnet publish -c Release did not succeed)"
  exit 1
fi
rm -f "$out.log"

if [ ! -f "$out/ProcoreAdmin.Web.dll" ]; then
  echo "release publish: FAILED (ProcoreAdmin.Web.dll missing: the check would prove nothing)"
  exit 1
fi

# Files, and entries of the dependency manifest, that belong to the companions only. (Polly and
# Microsoft.Extensions.Http.Resilience are not among them: the Procore client's own handler pipeline uses them.)
pattern='ProcoreAdmin\.DevIdentity|ProcoreAdmin\.ProcoreSimulator|OpenIddict'
found=$( (cd "$out" && find . -type f | grep -E "$pattern"; grep -oE "\"($pattern)[^\"]*\"" ProcoreAdmin.Web.deps.json | sort -u) )
if [ -n "$found" ]; then
  echo "release publish: FAILED, development companions in the Release output:"
  echo "$found" | sed 's/^/  /'
  exit 1
fi

echo "release publish: clean ($(find "$out" -type f | wc -l) files, no DevIdentity, simulator or OpenIddict)"
