# The two commands a newcomer needs: `make run` and `make test`. `make help` lists the rest.
SHELL := /bin/bash
PYTHON ?= python3
VENV := .venv
BIN := $(VENV)/bin
HOST ?= 127.0.0.1
PORT ?= 5000
MO := translations/da/LC_MESSAGES/messages.mo translations/en/LC_MESSAGES/messages.mo
# Everything Python comes from the lock files in requirements/, hash-checked, installed by the uv
# release that requirements/test.txt pins (pip only bootstraps uv).
UV := $(BIN)/uv
UV_PIN := $(shell sed -n 's/^\(uv==[^ ;]*\).*/\1/p' requirements/test.txt)
INSTALL := $(UV) pip install --quiet --python $(BIN)/python
LOCK := $(UV) pip compile --quiet --universal --python-version 3.11 --generate-hashes \
        --custom-compile-command "make lock" $(if $(UPGRADE),--upgrade)

# The suite in as many processes as the machine has cores (TEST_WORKERS=0: one process, for
# a debugger); tests sharing an expensive fixture stay together (tests/conftest.py).
TEST_WORKERS ?= auto
XDIST := $(if $(filter 0,$(TEST_WORKERS)),,-n $(TEST_WORKERS) --dist loadgroup)

.DEFAULT_GOAL := help
.PHONY: help run test test-fast install install-test lock dist assets translations-compile migrate \
        lint format typecheck translations bench clean fault fuzz screenshots

help: ## List the targets
	@grep -hE '^[a-z-]+:.*## ' $(MAKEFILE_LIST) | awk -F':.*## ' '{printf "  make %-22s %s\n", $$1, $$2}'

run: install assets translations-compile migrate ## Install what is missing and serve the portal on http://$(HOST):$(PORT)
	@# Development only (the command refuses in production): one caseworker per municipality,
	@# whose login is printed the first time and never again.
	$(BIN)/portal demo-data
	@# The outbox worker beside the server, so mails land in instance/mail (no MAIL_SERVER)
	@# and deliveries go out; it stops with the server.
	@$(BIN)/portal worker --idle 1 & worker=$$!; trap 'kill $$worker 2>/dev/null' EXIT INT TERM; \
	  $(BIN)/portal run --host $(HOST) --port $(PORT)

test: install-test assets translations-compile ## Install the test tools and run lint, types and the whole suite
	$(BIN)/ruff check .
	$(BIN)/ruff format --check .
	$(BIN)/lint-imports
	$(BIN)/mypy
	$(BIN)/python -m pytest $(XDIST) $(PYTEST_ARGS)

test-fast: install-test assets translations-compile ## The inner loop: lint, types and every test but the browser, wheel and fault ones
	$(BIN)/ruff check .
	$(BIN)/ruff format --check .
	$(BIN)/lint-imports
	$(BIN)/mypy
	$(BIN)/python -m pytest $(XDIST) -m "not browser and not packaging and not fault" $(PYTEST_ARGS)

fault: install-test assets translations-compile ## The fault tests at length: kills, PostgreSQL restarts, SQLite under load for FAULT_SECONDS (default 120)
	FAULT_SECONDS=$${FAULT_SECONDS:-120} $(BIN)/python -m pytest -m fault -rA tests/fault $(PYTEST_ARGS)

screenshots: install-test assets translations-compile ## The browser tests with a full-page screenshot of every page they visit, in test-artifacts/screenshots/
	SCREENSHOTS=1 $(BIN)/python -m pytest $(XDIST) -m browser tests/browser $(PYTEST_ARGS)

fuzz: install-test assets translations-compile ## The fuzz suite at scale (FUZZ_SCALE=20: every value in every field alone, random hypothesis examples); counts in test-artifacts/fuzz-counts.json
	FUZZ_SCALE=$(or $(FUZZ_SCALE),20) $(BIN)/python -m pytest $(XDIST) tests/fuzz $(PYTEST_ARGS)

$(BIN)/python:
	@$(PYTHON) -c 'import sys; sys.exit(sys.version_info < (3, 11))' || \
	  { echo "Python 3.11 or newer is needed (found $$($(PYTHON) --version))."; exit 1; }
	$(PYTHON) -m venv $(VENV)

$(UV): | $(BIN)/python
	$(BIN)/pip install --quiet $(UV_PIN)

$(VENV)/.stamp-app: requirements/app.txt pyproject.toml setup.py | $(UV)
	$(INSTALL) --require-hashes -r requirements/app.txt
	$(INSTALL) --no-deps -e .
	touch $@

$(VENV)/.stamp-test: requirements/test.txt $(VENV)/.stamp-app
	$(INSTALL) --require-hashes -r requirements/test.txt
	touch $@

install: $(VENV)/.stamp-app ## Create .venv and install the portal from requirements/app.txt
install-test: $(VENV)/.stamp-test ## Also install the test tools from requirements/test.txt

lock: $(UV) ## Re-resolve requirements/*.txt from pyproject.toml, keeping pins (UPGRADE=1: newest)
	$(LOCK) pyproject.toml --extra postgres --extra prod -o requirements/app.txt
	$(LOCK) pyproject.toml --all-extras -c requirements/app.txt -o requirements/test.txt

dist: install-test assets ## Build the wheel (with templates, DKFDS, catalogues) and sdist into dist/
	$(UV) build --quiet --out-dir dist .

node_modules/.stamp: package.json package-lock.json
	@command -v npm >/dev/null || { echo "npm (Node.js) is needed to fetch the design system."; exit 1; }
	npm ci --no-audit --no-fund
	touch $@

static/vendor/.stamp: node_modules/.stamp scripts/vendor_dkfds.sh
	scripts/vendor_dkfds.sh

assets: static/vendor/.stamp ## Fetch DKFDS (and axe-core) with npm and copy them to static/vendor/

translations/%/LC_MESSAGES/messages.mo: translations/%/LC_MESSAGES/messages.po | $(VENV)/.stamp-app
	$(BIN)/pybabel compile --statistics -i $< -o $@

translations-compile: $(MO) ## Compile the .po catalogues to .mo

translations: install ## Extract new messages and update da/en catalogues (then translate en)
	$(BIN)/python scripts/i18n.py update

migrate: install ## Create or upgrade the embedded SQLite database in instance/
	$(BIN)/portal migrate

lint: install-test ## ruff lint and format check
	$(BIN)/ruff check .
	$(BIN)/ruff format --check .

format: install-test ## Format the code with ruff
	$(BIN)/ruff format .
	$(BIN)/ruff check --fix .

typecheck: install-test ## mypy on the pure domain modules, and the import contract
	$(BIN)/lint-imports
	$(BIN)/mypy

bench: install-test ## Run the benchmarks (results go in docs/benchmarks.md by hand)
	$(BIN)/python bench/guidance_bench.py
	$(BIN)/python bench/render_bench.py
	$(BIN)/python bench/render_bench.py --path /ansoeg/hvem
	$(BIN)/python bench/render_parts.py
	$(BIN)/python bench/queue_bench.py --sizes 1000 100000
	$(BIN)/python bench/static_bench.py --runs 5
	$(BIN)/python bench/wsgi_bench.py --rounds 5
	# Under gunicorn against a bare hello, and a worker's memory over 20,000 requests; with
	# BENCH_POSTGRESQL=<an empty, disposable database URL> on PostgreSQL too (it is emptied).
	$(BIN)/python bench/load_bench.py --pairs 5 --duration 5 --connections 16 32 \
		$(if $(BENCH_POSTGRESQL),--postgresql $(BENCH_POSTGRESQL) --reset)
	$(BIN)/python bench/memory_bench.py --requests 20000
	# The floor under the question page's goal: the least a Flask form page can do.
	$(BIN)/python bench/floor_bench.py --pairs 5 --duration 5
	$(if $(BENCH_POSTGRESQL),$(BIN)/python bench/memory_bench.py --requests 20000 \
		--postgresql $(BENCH_POSTGRESQL) --reset)

clean: ## Remove the venv, node_modules, vendored assets and compiled catalogues
	rm -rf $(VENV) node_modules static/vendor $(MO) *.egg-info build dist
