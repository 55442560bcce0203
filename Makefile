# Two commands set everything up: `make run` chats with the bot in this terminal,
# `make test` runs the whole suite (lint, type check, tests). Both create `.venv` on first use.
PYTHON ?= python3
VENV ?= .venv
PY := $(VENV)/bin/python
STAMP := $(VENV)/.installed

.PHONY: run test lint bench clean

$(STAMP): pyproject.toml
	$(PYTHON) -m venv $(VENV)
	$(PY) -m pip install --quiet --disable-pip-version-check -e '.[dev,postgres]'
	touch $(STAMP)

run: $(STAMP)
	$(PY) bot.py $(ARGS)

lint: $(STAMP)
	$(PY) -m ruff check .
	$(PY) -m ruff format --check .
	$(PY) -m mypy

# The suite on SQLite, then its database tests again on PostgreSQL when a server is given in
# SHEQUN_TEST_POSTGRES_URL (skipped without one; `.ci/run` starts one, and under CI=true a
# missing server fails instead).
test: lint
	$(PY) -m pytest $(ARGS)
	$(PY) -m pytest --shequn-db=postgres $(ARGS)

bench: $(STAMP)
	$(PY) bench/dispatch.py

clean:
	rm -rf $(VENV) build *.egg-info .mypy_cache .ruff_cache .pytest_cache
