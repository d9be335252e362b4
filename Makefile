# The two commands a newcomer needs: `make demo` and `make test`.
PYTHON ?= python3
VENV := .venv
BIN := $(VENV)/bin
STAMP := $(VENV)/.installed-dev

.PHONY: demo test lint unit serve clean postgres assets chromium

$(BIN)/python:
	$(PYTHON) -m venv $(VENV)
	$(BIN)/pip install --quiet --upgrade pip

$(VENV)/.installed: $(BIN)/python pyproject.toml
	$(BIN)/pip install --quiet -e .
	touch $@

$(STAMP): $(BIN)/python pyproject.toml
	$(BIN)/pip install --quiet -e '.[dev]'
	touch $(VENV)/.installed $@

## Create the virtual environment, install, and run the demo on the embedded SQLite store.
demo: $(VENV)/.installed assets
	$(BIN)/homecare demo --summary-json demo-summary.json

## The web pages' front-end libraries (GOV.UK Frontend, htmx, Leaflet), built from npm.
assets:
	@./scripts/build-assets

## Debian's Chromium, for the browser tests.
chromium:
	@./scripts/ensure-chromium

## PostgreSQL server binaries (initdb, pg_ctl) for the suite; installed from Debian when missing.
postgres:
	@./scripts/ensure-postgres

## Install the dev extras and run the linters and the whole suite (SQLite and PostgreSQL),
## on two workers; a file's tests stay together on one worker, in order. Files go out in
## collection order, so the long command-line runs in tests/e2e start first, one a worker.
test: $(STAMP) postgres chromium assets lint
	$(BIN)/pytest -q -n 2 --dist loadfile --no-loadscope-reorder

lint: $(STAMP)
	$(BIN)/ruff check src tests benchmarks
	$(BIN)/ruff format --check src tests benchmarks
	$(BIN)/mypy
	$(BIN)/lint-imports

unit: $(STAMP)
	$(BIN)/pytest -q tests/unit

serve: $(VENV)/.installed assets
	$(BIN)/homecare serve

clean:
	rm -rf $(VENV) homecare.db demo-summary.json returns .pytest_cache .mypy_cache .ruff_cache \
		web/node_modules src/homecare/web/static/vendor
