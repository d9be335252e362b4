# The two commands a newcomer needs: `make demo` and `make test`.
PYTHON ?= python3
VENV := .venv
BIN := $(VENV)/bin
STAMP := $(VENV)/.installed-dev

.PHONY: demo test lint unit serve clean postgres

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
demo: $(VENV)/.installed
	$(BIN)/homecare demo --summary-json demo-summary.json

## PostgreSQL server binaries (initdb, pg_ctl) for the suite; installed from Debian when missing.
postgres:
	@./scripts/ensure-postgres

## Install the dev extras and run the linters and the whole suite (SQLite and PostgreSQL).
test: $(STAMP) postgres lint
	$(BIN)/pytest -q

lint: $(STAMP)
	$(BIN)/ruff check src tests benchmarks
	$(BIN)/ruff format --check src tests benchmarks
	$(BIN)/mypy

unit: $(STAMP)
	$(BIN)/pytest -q tests/unit

serve: $(VENV)/.installed
	$(BIN)/homecare serve

clean:
	rm -rf $(VENV) homecare.db demo-summary.json .pytest_cache .mypy_cache .ruff_cache
