#!/usr/bin/env bash
# Install a real reading system for `make check-readers`, where missing (Debian/Ubuntu):
#   calibre   ebook-convert reads the EPUBs back (EPUB -> TXT for the tests, EPUB -> PDF to look at)
# Heavy: with --no-install-recommends about 110 packages, ~120 MB download, ~370 MB on disk
# (with recommends ~290 packages, ~950 MB), so it is kept out of scripts/system-deps.sh.
# Installed by scripts/apt-install.sh (root, or sudo, else the exact command is printed).
set -euo pipefail
if command -v ebook-convert >/dev/null 2>&1; then
  exit 0
fi
echo "publish: installing calibre (~120 MB download, ~370 MB on disk)" >&2
bash "$(dirname "$0")/apt-install.sh" calibre
command -v ebook-convert >/dev/null 2>&1 || { echo "publish: calibre installed but ebook-convert is not on PATH" >&2; exit 1; }
