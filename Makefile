# CareThread: `make run` for a local clinic, `make test` for the full suite.
PYTHON ?= python3
VENV := .venv
BIN := $(VENV)/bin
STAMP := $(VENV)/.installed
# pip-tools (`make lock`) follows pip's internals: move both together.
PIP_VERSION := 26.3
PG_URL ?= postgres://postgres@127.0.0.1:5432/carethread
PG_HOST ?= 127.0.0.1
PG_PORT ?= 5432
# Local-only values for commands run by make; production sets its own in the environment.
TEST_ENV := DJANGO_SECRET_KEY=make-test-only-key-not-for-production-0123456789abcdef DJANGO_SECURE_SSL_REDIRECT=false \
	ALLOW_PROCESS_LOCAL_CACHE=true

.PHONY: run test lint format-check typecheck import-contracts check pytest pytest-quick pytest-postgres deps bench-deps \
	lock browser contract-mock bench clean \
	prod-tools e2e-prod bench-prod

# Lock files (pip-compile --generate-hashes, `make lock`): requirements.txt is production, requirements-dev.txt is
# production plus the test and dev tools, requirements-bench.txt is what bench/ adds (locust). Every install checks
# the hashes, so a changed or substituted download fails instead of running.
$(STAMP): requirements.txt requirements-dev.txt
	test -x $(BIN)/python || $(PYTHON) -m venv $(VENV)
	$(BIN)/pip install --quiet pip==$(PIP_VERSION)
	$(BIN)/pip install --quiet --require-hashes -r requirements-dev.txt
	touch $(STAMP)

deps: $(STAMP)

BENCH_STAMP := $(VENV)/.bench-installed
$(BENCH_STAMP): requirements-bench.txt $(STAMP)
	$(BIN)/pip install --quiet --require-hashes -r requirements-bench.txt
	touch $(BENCH_STAMP)

bench-deps: $(BENCH_STAMP)

# Recompile the lock files after editing a requirements*.in file. Current pins are kept unless a range forces a
# change; `make lock LOCK_ARGS=--upgrade` (or `LOCK_ARGS="--upgrade-package NAME"`) moves them on.
LOCK_ARGS ?=
PIP_COMPILE := CUSTOM_COMPILE_COMMAND="make lock" $(BIN)/pip-compile --quiet --generate-hashes --strip-extras \
	--no-emit-index-url --no-emit-find-links --allow-unsafe $(LOCK_ARGS)
lock: deps
	$(PIP_COMPILE) -o requirements.txt requirements.in
	$(PIP_COMPILE) -o requirements-dev.txt requirements-dev.in
	$(PIP_COMPILE) -o requirements-bench.txt requirements-bench.in

node_modules/.installed: package.json
	npm install --no-audit --no-fund --silent
	touch node_modules/.installed

contract-mock: node_modules/.installed

# Debian's Chromium for the Playwright tests (never `playwright install`: no internet here).
browser:
	@command -v chromium >/dev/null 2>&1 || { apt-get update -qq && DEBIAN_FRONTEND=noninteractive apt-get install -y -qq chromium; }

# Debian's nginx (and Redis, OpenSSL) for the production topology: started by the tests as
# children with their own config and ports, never as the system services.
prod-tools:
	@command -v nginx >/dev/null 2>&1 || { apt-get update -qq && DEBIAN_FRONTEND=noninteractive apt-get install -y -qq nginx; }
	@command -v redis-server >/dev/null 2>&1 || { apt-get update -qq && DEBIAN_FRONTEND=noninteractive apt-get install -y -qq redis-server; }
	@command -v openssl >/dev/null 2>&1 || { apt-get update -qq && DEBIAN_FRONTEND=noninteractive apt-get install -y -qq openssl; }

.env:
	sed "s/^DJANGO_SECRET_KEY=.*/DJANGO_SECRET_KEY=$$($(PYTHON) -c 'import secrets; print(secrets.token_urlsafe(50))')/" .env.example > .env

run: deps .env
	mkdir -p var
	$(BIN)/python manage.py migrate --no-input
	$(BIN)/python manage.py seed_demo
	@echo "CareThread on http://127.0.0.1:8000/  (console: /admin/, API docs: /api/docs/)"
	# -e /dev/null: settings read .env themselves (django-environ), exactly as seed_demo just did;
	# honcho's own .env parser would hand the processes different values (it drops spaces).
	PATH=$(CURDIR)/$(BIN):$$PATH $(BIN)/honcho -f Procfile.dev -e /dev/null start

lint: deps
	$(BIN)/ruff check .

# The whole repository in ruff's format (line length and exclusions from pyproject.toml).
format-check: deps
	$(BIN)/ruff format --check .

# mypy with the Django and DRF plugins (settings from config.settings): strict in services and selectors.
typecheck: deps
	$(TEST_ENV) $(BIN)/mypy

# Import contracts ([tool.importlinter] in pyproject.toml): the core, the messaging port, the layers, the wiring.
import-contracts: deps
	$(BIN)/lint-imports --no-logo

check: deps
	$(TEST_ENV) $(BIN)/python manage.py check
	$(TEST_ENV) $(BIN)/python manage.py makemigrations --check --dry-run

pytest: deps browser contract-mock
	env -u DATABASE_URL $(BIN)/pytest

# While working: SQLite, without the `slow` tests (10,000-row scale, a real qcluster, racing subprocesses).
# `make test` still runs everything. (pytest-xdist -n 2 was measured here and made folders 1.3-1.8x
# slower on this shared 2-core machine: each worker repeats Django setup and database creation.)
pytest-quick: deps browser contract-mock
	env -u DATABASE_URL $(BIN)/pytest -m "not slow"

# The PostgreSQL pass runs every test that touches the database (django_db, live_server, `postgres`);
# the ~520 tests that use none (clinical tables, texts, settings subprocesses, import contracts) ran in
# the SQLite pass and would only repeat it (tests/conftest.py: --database-tests-only).
pytest-postgres: deps browser contract-mock
	@if $(BIN)/python -c "import socket; socket.create_connection(('$(PG_HOST)', $(PG_PORT)), 2).close()" 2>/dev/null; then \
		echo "== PostgreSQL pass ($(PG_URL))"; \
		DATABASE_URL=$(PG_URL) $(BIN)/pytest --create-db --database-tests-only; \
	else \
		echo "########################################################"; \
		echo "SKIPPED POSTGRES PASS: no server at $(PG_HOST):$(PG_PORT)"; \
		echo "########################################################"; \
		if [ "$$CI" = "true" ]; then echo "CI=true: PostgreSQL is required, failing the run."; exit 1; fi; \
	fi

# The production topology on loopback (tests/topology/harness.py): nginx, two gunicorn nodes, Redis, two
# qcluster workers, Prism, database carethread_e2e on the machine's PostgreSQL. Plus the restore drill.
e2e-prod: deps contract-mock prod-tools
	@missing="$$($(BIN)/python -c 'from tests.topology.harness import TopologySettings, missing_services; print("; ".join(missing_services(TopologySettings().pg_admin_url)))')"; \
	if [ -z "$$missing" ]; then \
		echo "== production topology (tests/topology/harness.py)"; \
		E2E_PROD=1 $(BIN)/pytest tests/deploy -m topology; \
	else \
		echo "########################################################"; \
		echo "SKIPPED PRODUCTION TOPOLOGY TEST: missing $$missing"; \
		echo "########################################################"; \
		if [ "$$CI" = "true" ]; then echo "CI=true: the topology test is required, failing the run."; exit 1; fi; \
	fi

# Prints how long the whole suite took (the aim is 15 minutes on a 2-core machine). The two database
# passes are independent (own test databases, free ports for the mocks), so they run side by side, one per
# core; the topology test follows the SQLite pass. -O prints each pass's output whole when it ends.
test:
	@start=$$(date +%s); \
	$(MAKE) --no-print-directory lint format-check typecheck import-contracts check browser contract-mock prod-tools && \
	$(MAKE) --no-print-directory -j2 --output-sync=target database-passes; status=$$?; \
	echo "== make test: $$(( $$(date +%s) - start )) s"; exit $$status

.PHONY: database-passes sqlite-then-topology
database-passes: pytest-postgres sqlite-then-topology

sqlite-then-topology:
	@$(MAKE) --no-print-directory pytest && $(MAKE) --no-print-directory e2e-prod

# One run on PostgreSQL + Redis (issue 11): throwaway databases on PG_URL's server, Redis database 15;
# ends with one summary table (bench/_report.py).
BENCH_REDIS_URL ?= redis://127.0.0.1:6379/15
bench: bench-deps contract-mock prod-tools
	$(TEST_ENV) DATABASE_URL=$(PG_URL) BENCH_DATABASE_URL=$(PG_URL) BENCH_REDIS_URL=$(BENCH_REDIS_URL) \
		$(BIN)/python -m bench

# At most 60 s of load through the production topology; figures go to deploy/README.md.
bench-prod: bench-deps contract-mock prod-tools
	$(BIN)/python -m bench prod_topology

clean:
	rm -rf $(VENV) node_modules var
