# `make run` starts the whole platform; `make test` runs lint and the tests. See README.md.
SHELL := /bin/bash
PYTHON ?= python3
VENV := .venv
BIN := $(VENV)/bin
# The web console: npm installs its packages when the lock file changed, and builds it into
# web/dist when a source did (files not written yet are left out, not required).
WEB_MODULES := web/node_modules/.package-lock.json
WEB_SOURCES := $(shell find web/src web/public -type f 2>/dev/null) \
	$(wildcard web/index.html web/package.json web/vite.config.* web/tsconfig*.json)

.PHONY: run migrate test test-unit test-web lint pytest web web-types contracts clean

$(BIN)/.installed: pyproject.toml
	test -x $(BIN)/python || $(PYTHON) -m venv $(VENV)
	$(BIN)/python -m pip install --quiet --upgrade pip
	$(BIN)/python -m pip install --quiet -e '.[dev]'
	touch $@

run: $(BIN)/.installed web
	@$(BIN)/python -m chassis.preflight
	@$(MAKE) --no-print-directory migrate
	$(BIN)/python -m chassis.launch

# Each process has its own database: migrate them side by side, fail if any fails.
migrate: $(BIN)/.installed
	$(BIN)/python -m chassis.launch migrate

test: lint test-web pytest

# The first tier: pure domain, contracts and chassis rules; no server, no network.
test-unit: $(BIN)/.installed
	$(BIN)/pytest -q -p no:cacheprovider tests/unit

lint: $(BIN)/.installed
	$(BIN)/ruff check .
	$(BIN)/ruff format --check .
	$(BIN)/mypy .

# Every tier, with the coverage gate (fail_under in pyproject.toml) and the 30 slowest tests
# named (the run must stay under 30 minutes here); tests/console drives the
# built console in a browser.
pytest: $(BIN)/.installed web
	$(BIN)/pytest -q -p no:cacheprovider --durations=30 --cov --cov-report=term:skip-covered

web: web/dist/index.html

$(WEB_MODULES): web/package-lock.json
	cd web && npm ci

web/dist/index.html: $(WEB_MODULES) $(WEB_SOURCES)
	cd web && npm run build

# The console's unit tests (Vitest); `--no`: never fetch a package npm has not installed.
test-web: $(WEB_MODULES)
	cd web && npx --no -- vitest run

# Rewrite web/src/api/schema.d.ts from the OpenAPI of a running gateway (`make run`).
web-types: $(WEB_MODULES)
	cd web && npm run api-types

contracts: $(BIN)/.installed
	$(BIN)/python -m contracts schemas
	$(BIN)/python -m contracts asyncapi

clean:
	rm -rf var .mypy_cache .ruff_cache web/dist
