# `make run` starts the whole platform; `make test` runs lint and the tests. See README.md.
SHELL := /bin/bash
PYTHON ?= python3
VENV := .venv
BIN := $(VENV)/bin

.PHONY: run migrate test test-unit lint pytest contracts clean

$(BIN)/.installed: pyproject.toml
	test -x $(BIN)/python || $(PYTHON) -m venv $(VENV)
	$(BIN)/python -m pip install --quiet --upgrade pip
	$(BIN)/python -m pip install --quiet -e '.[dev]'
	touch $@

run: $(BIN)/.installed
	@$(BIN)/python -m chassis.preflight
	@$(MAKE) --no-print-directory migrate
	$(BIN)/python -m chassis.launch

# Each process has its own database: migrate them side by side, fail if any fails.
migrate: $(BIN)/.installed
	$(BIN)/python -m chassis.launch migrate

test: lint pytest

# The first tier: pure domain, contracts and chassis rules; no server, no network.
test-unit: $(BIN)/.installed
	$(BIN)/pytest -q -p no:cacheprovider tests/unit

lint: $(BIN)/.installed
	$(BIN)/ruff check .
	$(BIN)/ruff format --check .
	$(BIN)/mypy .

# Every tier, with the coverage gate (fail_under in pyproject.toml).
pytest: $(BIN)/.installed
	$(BIN)/pytest -q -p no:cacheprovider --cov --cov-report=term:skip-covered

contracts: $(BIN)/.installed
	$(BIN)/python -m contracts schemas
	$(BIN)/python -m contracts asyncapi

clean:
	rm -rf var .mypy_cache .ruff_cache
