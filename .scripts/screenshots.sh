#!/usr/bin/env bash
# Regenerates the README screenshots (.screenshots/*.png): the real app on Kestrel with the Development seed and the
# in-process simulator, driven by Playwright in Debian's Chromium (dashboard, projects and rotation; light and dark).
set -euo pipefail
cd "$(dirname "$0")/.."
mkdir -p .screenshots
PROCOREADMIN_SCREENSHOTS="$PWD/.screenshots" dotnet test tests/ProcoreAdmin.BrowserTests \
  --filter "FullyQualifiedName~ReadmeScreenshotTests" "$@"
ls -l .screenshots/*.png
