# Two commands set everything up on a fresh machine with only Python 3.11+:
#   make run   - virtualenv, install, migrate the SQLite database, serve API + scheduler
#   make test  - install test tools, lint, type-check, run the whole suite
PYTHON ?= python3
VENV ?= .venv
BIN := $(VENV)/bin
HOST ?= 127.0.0.1
PORT ?= 8000
PYTEST_WORKERS ?= 2

.PHONY: run test lint typecheck pytest openapi bench clean

$(BIN)/python:
	$(PYTHON) -m venv $(VENV)
	$(BIN)/python -m pip install --quiet --upgrade pip

$(VENV)/.installed-run: pyproject.toml setup.py | $(BIN)/python
	$(BIN)/pip install --quiet -e .
	touch $@

$(VENV)/.installed-test: pyproject.toml setup.py | $(BIN)/python
	$(BIN)/pip install --quiet -e '.[test]'
	touch $@ $(VENV)/.installed-run

run: $(VENV)/.installed-run
	$(BIN)/review-service migrate
	@echo
	@echo "To call the API, create a token (it is printed once, on the last line):"
	@echo "  $(BIN)/review-service token create --name me --scopes admin"
	@echo "then: curl -H 'Authorization: Bearer <token>' http://$(HOST):$(PORT)/v1/calendar/bank-holidays?year=2026"
	@echo
	$(BIN)/review-service serve --host $(HOST) --port $(PORT)

test: $(VENV)/.installed-test lint typecheck pytest

lint: $(VENV)/.installed-test
	$(BIN)/ruff check src tests bench migrations
	$(BIN)/ruff format --check src

typecheck: $(VENV)/.installed-test
	$(BIN)/mypy --strict src

pytest: $(VENV)/.installed-test
	$(BIN)/pytest -n $(PYTEST_WORKERS) -p no:cacheprovider

openapi: $(VENV)/.installed-run
	REVIEW_SERVICE_DATABASE_URL=sqlite:///:memory: $(BIN)/review-service openapi > openapi/openapi.json

bench: $(VENV)/.installed-test
	$(BIN)/pip install --quiet -e '.[test,bench]'
	$(BIN)/python bench/calendar.py

clean:
	rm -rf $(VENV) .mypy_cache .ruff_cache .pytest_cache
