# Two commands do all set-up on a fresh machine: `make demo` and `make test`.
VENV   ?= .venv
PYTHON ?= python3
BOOK   ?= books/shanghai-doctors
STAMP  := $(VENV)/.installed

.PHONY: demo test test-fast test-wheel system lint clean bench

VERSION ?= 0.1.0

demo: system $(STAMP)
	$(VENV)/bin/publish check $(BOOK)
	# a draft build: the release below takes every edition from the same edition cache, built once
	$(VENV)/bin/publish build $(BOOK) --draft
	# the sample book's rights are incomplete on purpose: the gate lists why, --draft releases anyway
	$(VENV)/bin/publish release $(BOOK) --version $(VERSION) --draft

test: system $(STAMP)
	$(VENV)/bin/pytest
	# as a publisher installs it: the wheel in a fresh venv outside the checkout, `publish init`, build, release
	PYTHON=$(PYTHON) bash scripts/wheel-smoke.sh

test-fast: $(STAMP)
	$(VENV)/bin/pytest -m "not slow"

test-wheel: system
	PYTHON=$(PYTHON) bash scripts/wheel-smoke.sh

lint: $(STAMP)
	$(VENV)/bin/ruff check src tests
	$(VENV)/bin/mypy

system:
	@bash scripts/system-deps.sh
	@bash scripts/tools-deps.sh

$(STAMP): pyproject.toml
	$(PYTHON) -m venv $(VENV)
	$(VENV)/bin/pip install -q --upgrade pip
	$(VENV)/bin/pip install -q -e '.[test]'
	touch $(STAMP)

bench: system $(STAMP)
	bench/run

# Real reading systems (Calibre, a heavy install of its own) read the EPUBs back: tests/readers
.PHONY: check-readers
check-readers: system $(STAMP)
	@bash scripts/readers-deps.sh
	PUBLISH_READERS=1 $(VENV)/bin/pytest tests/readers -q

clean:
	rm -rf build dist .publish-cache .pytest_cache
