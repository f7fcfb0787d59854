# The two commands a contributor needs (see README.md):
#   make serve   the site at http://127.0.0.1:8000, reloading on every save
#   make test    the whole test suite: unit, code fences, strict build, browser
# Both set up what they need first: .venv with the pinned packages, KaTeX from
# npm, and (for the tests) a Chromium for Playwright.

PYTHON ?= python3
VENV := .venv
BIN := $(VENV)/bin
PIP_INSTALL := $(BIN)/python -m pip install --quiet --disable-pip-version-check

.DEFAULT_GOAL := help

.PHONY: help serve test build lint format clean setup

help:  ## List the targets
	@grep -E '^[a-z-]+:.*## ' $(MAKEFILE_LIST) | sed 's/:.*## /\t/'

$(BIN)/.installed: pyproject.toml tools/constraints.txt
	test -x $(BIN)/python || $(PYTHON) -m venv $(VENV)
	$(PIP_INSTALL) --constraint tools/constraints.txt --editable '.[dev]'
	touch $@

tools/node_modules/.installed: tools/package.json tools/package-lock.json
	npm ci --prefix tools --no-audit --no-fund --loglevel=error
	touch $@

setup: $(BIN)/.installed tools/node_modules/.installed  ## Install everything (done by serve and test)

serve: setup  ## Serve the site with live reload at http://127.0.0.1:8000
	SITE_URL=http://127.0.0.1:8000/ $(BIN)/mkdocs serve --dev-addr 127.0.0.1:8000

# CI=true also executes the notebook during the site build.
test: setup  ## Run the whole test suite (exits non-zero on any failure or if no test ran)
	CHROMIUM="$$(tools/find-chromium.sh)" \
	NOTEBOOK_EXECUTE="$${NOTEBOOK_EXECUTE:-$${CI:-false}}" NOTEBOOK_CACHE=false \
	$(BIN)/python -m pytest

build: setup  ## Build the site strictly into site/
	NOTEBOOK_EXECUTE="$${NOTEBOOK_EXECUTE:-$${CI:-false}}" NOTEBOOK_CACHE=false \
	$(BIN)/mkdocs build --strict

lint: setup  ## ruff lint and format check
	$(BIN)/ruff check .
	$(BIN)/ruff format --check .

format: setup  ## Apply ruff's fixes and formatting
	$(BIN)/ruff check --fix .
	$(BIN)/ruff format .

clean:  ## Remove the built site and caches (keeps .venv)
	rm -rf site .cache .pytest_cache .hypothesis
