# Two commands do all set-up on a fresh machine: `make demo` and `make test`.
VENV   ?= .venv
PYTHON ?= python3
BOOK   ?= books/shanghai-doctors
STAMP  := $(VENV)/.installed

.PHONY: demo test test-fast system lint clean bench

demo: system $(STAMP)
	$(VENV)/bin/publish check $(BOOK)
	$(VENV)/bin/publish build $(BOOK) --jobs 2

test: system $(STAMP)
	$(VENV)/bin/pytest

test-fast: $(STAMP)
	$(VENV)/bin/pytest -m "not slow"

lint: $(STAMP)
	$(VENV)/bin/ruff check src tests
	$(VENV)/bin/mypy

system:
	@bash scripts/system-deps.sh

$(STAMP): pyproject.toml
	$(PYTHON) -m venv $(VENV)
	$(VENV)/bin/pip install -q --upgrade pip
	$(VENV)/bin/pip install -q -e '.[test]'
	touch $(STAMP)

bench: system $(STAMP)
	bench/run

clean:
	rm -rf build .publish-cache .pytest_cache
