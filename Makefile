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

migrate: $(BIN)/.installed
	@for service in $(SERVICES); do $(BIN)/python -m services.$$service migrate || exit 1; done
	@$(BIN)/python -m gateway migrate

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
