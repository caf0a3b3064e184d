# `make run` starts the whole platform; `make test` runs lint and the tests. See README.md.
SHELL := /bin/bash
PYTHON ?= python3
VENV := .venv
BIN := $(VENV)/bin
SERVICES := licensing supervision enforcement complaints qms

.PHONY: run migrate test lint pytest contracts clean

$(BIN)/.installed: pyproject.toml
	test -x $(BIN)/python || $(PYTHON) -m venv $(VENV)
	$(BIN)/python -m pip install --quiet --upgrade pip
	$(BIN)/python -m pip install --quiet -e '.[dev]'
	touch $@

run: $(BIN)/.installed
	@$(BIN)/python -m chassis.preflight
	@$(MAKE) --no-print-directory migrate
	$(BIN)/honcho start -f Procfile

# Each process has its own database: migrate them side by side, fail if any fails.
migrate: $(BIN)/.installed
	@pids=(); \
	for module in $(addprefix services.,$(SERVICES)) gateway; do \
		$(BIN)/python -m $$module migrate & pids+=($$!); \
	done; \
	failed=0; for pid in "$${pids[@]}"; do wait $$pid || failed=1; done; exit $$failed

test: lint pytest

lint: $(BIN)/.installed
	$(BIN)/ruff check .
	$(BIN)/ruff format --check .
	$(BIN)/mypy .

pytest: $(BIN)/.installed
	$(BIN)/pytest -q -p no:cacheprovider

contracts: $(BIN)/.installed
	$(BIN)/python -m contracts schemas
	$(BIN)/python -m contracts asyncapi

clean:
	rm -rf var .mypy_cache .ruff_cache
