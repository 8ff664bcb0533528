#!/usr/bin/env bash
# Install the Node.js tools publish runs, from tools/<tool>/package-lock.json (npm ci: exact versions):
#   tools/ace   Ace by DAISY (@daisy/ace), the EPUB accessibility checker of the release gate and the tests.
#               It drives Debian's chromium (scripts/system-deps.sh): no browser is downloaded, and the
#               Electron binary its package depends on (for the unused ace-electron runner) is not fetched.
set -euo pipefail
here="$(cd "$(dirname "$0")/.." && pwd)"
command -v npm >/dev/null 2>&1 || { echo "npm is missing: run scripts/system-deps.sh (Debian nodejs, npm)" >&2; exit 1; }
if ! node -e 'process.exit(+process.versions.node.split(".")[0] >= 20 ? 0 : 1)'; then
  echo "Ace by DAISY needs Node.js 20 or newer (found $(node --version)); Debian bookworm's nodejs is 18:" \
       "install Node.js 20 (Debian trixie, or NodeSource's nodejs package)" >&2
  exit 1
fi
for tool in ace; do
  dir="$here/tools/$tool"
  stamp="$dir/node_modules/.installed"
  if [ -f "$stamp" ] && [ "$stamp" -nt "$dir/package-lock.json" ]; then continue; fi
  PUPPETEER_SKIP_DOWNLOAD=1 PUPPETEER_SKIP_CHROMIUM_DOWNLOAD=1 ELECTRON_SKIP_BINARY_DOWNLOAD=1 \
    npm ci --prefix "$dir" --no-audit --no-fund --loglevel=error
  touch "$stamp"
done
