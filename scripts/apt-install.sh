#!/usr/bin/env bash
# apt-get install the Debian packages named, for the other scripts/*-deps.sh (one install mechanism).
# As root it runs apt-get; otherwise it uses sudo if there is one, else prints the exact command and fails.
set -euo pipefail
[ $# -gt 0 ] || exit 0
cmd="apt-get install -y --no-install-recommends $*"
if ! command -v apt-get >/dev/null 2>&1; then
  echo "publish: missing system packages: $* (no apt-get here: install them with your package manager)" >&2
  exit 1
fi
if [ "$(id -u)" -eq 0 ]; then
  sudo=()
elif command -v sudo >/dev/null 2>&1; then
  sudo=(sudo)
else
  echo "publish: missing system packages: $*" >&2
  echo "run as root:  apt-get update && $cmd" >&2
  exit 1
fi
echo "publish: installing $*" >&2
"${sudo[@]}" env DEBIAN_FRONTEND=noninteractive apt-get update -qq
# sudo resets the environment: DEBIAN_FRONTEND goes through env explicitly
"${sudo[@]}" env DEBIAN_FRONTEND=noninteractive $cmd >/dev/null
