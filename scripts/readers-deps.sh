#!/usr/bin/env bash
# Install a real reading system for `make check-readers`, where missing (Debian/Ubuntu):
#   calibre   ebook-convert reads the EPUBs back (EPUB -> TXT for the tests, EPUB -> PDF to look at)
# Heavy: with --no-install-recommends about 110 packages, ~120 MB download, ~370 MB on disk
# (with recommends ~290 packages, ~950 MB), so it is kept out of scripts/system-deps.sh.
# As root it runs apt-get; otherwise it uses sudo if there is one, else prints the exact command and fails.
set -euo pipefail
if command -v ebook-convert >/dev/null 2>&1; then
  exit 0
fi
cmd="apt-get install -y --no-install-recommends calibre"
if ! command -v apt-get >/dev/null 2>&1; then
  echo "publish: ebook-convert (Calibre) is missing (no apt-get here: install Calibre with your package manager)" >&2
  exit 1
fi
if [ "$(id -u)" -eq 0 ]; then
  sudo=()
elif command -v sudo >/dev/null 2>&1; then
  sudo=(sudo)
else
  echo "publish: ebook-convert (Calibre) is missing" >&2
  echo "run as root:  apt-get update && $cmd" >&2
  exit 1
fi
echo "publish: installing calibre (~120 MB download, ~370 MB on disk)" >&2
export DEBIAN_FRONTEND=noninteractive
"${sudo[@]}" apt-get update -qq
# sudo resets the environment: pass DEBIAN_FRONTEND through explicitly
"${sudo[@]}" env DEBIAN_FRONTEND=noninteractive $cmd >/dev/null
command -v ebook-convert >/dev/null 2>&1 || { echo "publish: calibre installed but ebook-convert is not on PATH" >&2; exit 1; }
