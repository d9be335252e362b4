# The two commands a newcomer needs: `make demo` and `make test`.
PYTHON ?= python3
VENV := .venv
BIN := $(VENV)/bin
STAMP := $(VENV)/.installed-dev
# Hash-pinned locks written from pyproject.toml by scripts/lock (CPython 3.11, x86-64 Linux).
APP_LOCK := requirements/app.lock
DEV_LOCK := requirements/dev.lock
# The project itself goes in editable, without its dependencies (the lock brought them) and
# built with the locked build requirements; pip check then fails on a lock that lags pyproject.
INSTALL_PROJECT := $(BIN)/pip install --quiet --no-deps --no-build-isolation -e . && $(BIN)/pip check

.PHONY: demo test test-long lint unit serve clean postgres assets chromium lock reliability

$(BIN)/python:
	$(PYTHON) -m venv $(VENV)
	$(BIN)/pip install --quiet --upgrade pip

$(VENV)/.installed: $(BIN)/python $(APP_LOCK) pyproject.toml
	$(BIN)/pip install --quiet --require-hashes -r $(APP_LOCK)
	$(INSTALL_PROJECT)
	touch $@

$(STAMP): $(BIN)/python $(DEV_LOCK) pyproject.toml
	$(BIN)/pip install --quiet --require-hashes -r $(DEV_LOCK)
	$(INSTALL_PROJECT)
	touch $(VENV)/.installed $@

## Write requirements/*.lock again from pyproject.toml, keeping existing pins (scripts/lock).
lock:
	@./scripts/lock

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
	$(BIN)/pytest -q -n 2 --dist loadfile --no-loadscope-reorder -m "not long" --durations=20

## The long demo runs `make test` leaves out to keep under 20 minutes: the demo at 07:30 and
## 21:00, Leicester's demo, `homecare simulate` over two weeks, and the same seed giving the
## same month.
test-long: $(STAMP) postgres chromium assets
	$(BIN)/pytest -q -n 2 --dist loadfile --no-loadscope-reorder -m long

lint: $(STAMP)
	$(BIN)/ruff check src tests benchmarks reliability
	$(BIN)/ruff format --check src tests benchmarks reliability
	$(BIN)/mypy
	$(BIN)/lint-imports

unit: $(STAMP)
	$(BIN)/pytest -q tests/unit

## The release battery (reliability/__main__.py lists it): supply chain, durability, load,
## fuzzing, audit queries, the reliability tests and every hazard control's tests; one table.
## RELIABILITY_ARGS="--quick" runs each battery small; "--only fuzz" one battery.
reliability: $(STAMP) postgres chromium assets
	$(BIN)/python -m reliability $(RELIABILITY_ARGS)

serve: $(VENV)/.installed assets
	$(BIN)/homecare serve

clean:
	rm -rf $(VENV) homecare.db demo-summary.json returns build/reliability .pytest_cache .mypy_cache .ruff_cache \
		web/node_modules src/homecare/web/static/vendor
