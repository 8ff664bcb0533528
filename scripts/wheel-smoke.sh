#!/usr/bin/env bash
# As a publisher installs it: build the wheel, install it (not editable) into a fresh venv outside the
# checkout, make a project with `publish init` in a temporary folder, and check, build every format and
# release --draft there with no edit. The scaffold's zh-Hans edition must show Chinese interface labels.
set -euo pipefail
repo="$(cd "$(dirname "$0")/.." && pwd)"
python="${PYTHON:-python3}"
work="$(mktemp -d "${TMPDIR:-/tmp}/publish-wheel-XXXXXX")"
# setuptools stages the wheel in build/lib of the checkout: clear it, or files deleted since stay in the wheel
clean() { rm -rf "$work" "$repo/build/lib" "$repo"/build/bdist.*; }
trap clean EXIT
rm -rf "$repo/build/lib" "$repo"/build/bdist.*
"$python" -m pip wheel -q --no-deps -w "$work/wheel" "$repo"
wheel="$(ls "$work"/wheel/publish-*.whl)"
echo "wheel: $(basename "$wheel") ($(unzip -l "$wheel" | tail -1 | awk '{print $2}') files)"
# every file the package has in git is in the wheel (a resource left out of package-data only shows when used)
missing="$(comm -23 <(cd "$repo/src" && git ls-files publish | sort) <(unzip -Z1 "$wheel" | grep '^publish/' | sort))"
[ -z "$missing" ] || { echo "not in the wheel (pyproject's package-data):"; echo "$missing"; exit 1; }
"$python" -m venv "$work/venv"
"$work/venv/bin/pip" install -q "$wheel"
# the outside checkers an installed toolkit runs: where `make system` put them in this checkout
export PUBLISH_ACE="$repo/tools/ace/node_modules/.bin/ace-puppeteer" PUBLISH_PDFCPU="$repo/tools/pdfcpu/run.mjs"
cd "$work"
"$work/venv/bin/publish" init project --book first --title "A First Book"
cd project
"$work/venv/bin/publish" check
"$work/venv/bin/publish" build
"$work/venv/bin/publish" release --version 0.1.0 --draft
pdftotext build/first/zh-Hans/first-zh-Hans.pdf - | grep -q "目录" || { echo "no 目录 in the zh-Hans PDF"; exit 1; }
unzip -p build/first/zh-Hans/first-zh-Hans.epub EPUB/nav.xhtml | grep -q "目录" || { echo "no 目录 in the EPUB nav"; exit 1; }
! grep -rq "site-packages" locales || { echo "site-packages path written into a template"; exit 1; }
test -f dist/first-0.1.0-draft/SHA256SUMS && (cd dist/first-0.1.0-draft && sha256sum -c --quiet SHA256SUMS)
echo "wheel smoke test: init, check, build, release --draft all passed outside the checkout"
