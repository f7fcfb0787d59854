# The two commands a contributor needs (see README.md):
#   make serve   the site at http://127.0.0.1:8000, reloading on every save
#   make test    the whole test suite: unit, code fences, strict build, browser
# and the fast loop beside them:
#   make check   lint, spelling, unit tests, every code fence and snippet output,
#                the strict build without running the notebook (no browser, no
#                run of the game course): seconds, not minutes
# Both set up what they need first: .venv with the pinned packages, KaTeX from
# npm, and (for the tests) a Chromium for Playwright.

PYTHON ?= python3
VENV := .venv
BIN := $(VENV)/bin
PIP_INSTALL := $(BIN)/python -m pip install --quiet --disable-pip-version-check

.DEFAULT_GOAL := help

.PHONY: help serve check test test-part build lint format clean setup

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

# What `make check` leaves to `make test` (tests/support/selection.py marks them).
CHECK_DESELECTS := not slow and not browser

CHECK_PYTEST := NOTEBOOK_EXECUTE=false NOTEBOOK_CACHE=false \
	$(BIN)/python -m pytest -q -p no:cacheprovider -m "$(CHECK_DESELECTS)"

# Two pytest processes, one a core: the unit tests and docstring examples; the
# pages, snippets, build and lint. The first's report follows the second's.
check: setup  ## The fast loop: lint, spelling, unit tests, fences, snippet outputs, strict build
	@log=$$(mktemp); \
	$(CHECK_PYTEST) tests/unit src/lesson_code >"$$log" 2>&1 & unit=$$!; \
	$(CHECK_PYTEST) docs tests --ignore=tests/unit; pages=$$?; \
	wait $$unit; units=$$?; cat "$$log"; rm -f "$$log"; \
	echo "make check: skipped the browser tests, the game course's runs and executing the" \
	"notebook; \`make test\` runs everything."; \
	test $$pages -eq 0 -a $$units -eq 0

# The site is built once, into site/, by tools/build_site.py: the notebook is
# executed during the build (and cached by a hash of it and of lesson_code), and
# a build whose sources have not changed since is skipped. `make test` checks that
# same site/ in the browser (BUILT_SITE), which is what CI publishes; the builds
# inside tests (planted mistakes, a scaffolded chapter) leave the cache alone.
# NOTEBOOK_EXECUTE=false shows the outputs saved in the notebook instead, and says so.
build: setup  ## Build the site strictly into site/ (skipped if site/ is up to date)
	NOTEBOOK_EXECUTE="$${NOTEBOOK_EXECUTE:-true}" $(BIN)/python tools/build_site.py

PYTEST := CHROMIUM="$$(tools/find-chromium.sh)" BUILT_SITE=site \
	NOTEBOOK_EXECUTE="$${NOTEBOOK_EXECUTE:-true}" NOTEBOOK_CACHE=false \
	$(BIN)/python -m pytest

test: build  ## Run the whole test suite against site/, as CI does (exits non-zero on any failure)
	@if [ "$${NOTEBOOK_EXECUTE:-true}" != true ]; then \
	echo "make test: NOTEBOOK_EXECUTE=$$NOTEBOOK_EXECUTE: the notebook is NOT executed;" \
	"run \`make test\` without it to execute it as CI does."; fi
	$(PYTEST)
	@if [ "$${NOTEBOOK_EXECUTE:-true}" != true ]; then \
	echo "make test: the notebook was NOT executed (NOTEBOOK_EXECUTE=$$NOTEBOOK_EXECUTE)."; fi

# `make test` in four parts, which CI runs side by side on separate runners;
# together they run every test once (the marks: tests/support/selection.py).
# Only PART=site builds the site.
TEST_PART_site := -m site
TEST_PART_package := tests/test_package.py
TEST_PART_slow := -m "slow and not site" --ignore=tests/test_package.py
TEST_PART_fast := -m "not slow and not site"
TEST_PARTS := site package slow fast

test-part: setup  ## One part of make test, as CI runs it: PART=site (on site/), package, slow or fast
	@case " $(TEST_PARTS) " in *" $(PART) "*) ;; \
	*) echo "make test-part: set PART to one of: $(TEST_PARTS) (got '$(PART)')"; exit 2;; esac
	@if [ "$(PART)" = site ]; then $(MAKE) --no-print-directory build; fi
	$(PYTEST) $(TEST_PART_$(PART))

lint: setup  ## ruff lint and format check
	$(BIN)/ruff check .
	$(BIN)/ruff format --check .

format: setup  ## Apply ruff's fixes and formatting
	$(BIN)/ruff check --fix .
	$(BIN)/ruff format .

clean:  ## Remove the built site and caches (keeps .venv)
	rm -rf site .cache .pytest_cache .hypothesis
