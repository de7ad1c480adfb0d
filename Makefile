# Developer tasks. `make` (or `make help`) lists them.
SHELL := /bin/bash
.SHELLFLAGS := -eu -o pipefail -c
.DEFAULT_GOAL := help
.DELETE_ON_ERROR:
MAKEFLAGS += --no-builtin-rules

# Interpreter used to create the virtualenv: python3.11 if on PATH, else python3.
ifeq ($(origin PY),undefined)
PY := $(if $(shell command -v python3.11 2>/dev/null),python3.11,python3)
endif
VENV := .venv
BIN := $(VENV)/bin
PYTHON := $(BIN)/python
STAMP := $(VENV)/.installed
PIP_INSTALL := $(PYTHON) -m pip install -q --disable-pip-version-check
PYTEST_ARGS ?=
# make bench-scale measures 100000 programmes unless BENCH_PROGRAMMES is given (make bench: 2000)
SCALE_PROGRAMMES := $(if $(filter undefined default,$(origin BENCH_PROGRAMMES)),100000,$(BENCH_PROGRAMMES))

.PHONY: help venv run worker beat test bench bench-scale lint audit format migrate shell clean _test-steps

help: ## List the targets
	@echo "Usage: make TARGET [PYTEST_ARGS=...]"
	@echo
	@grep -hE '^[a-zA-Z][a-zA-Z0-9_.-]*:.*## ' $(MAKEFILE_LIST) \
	  | awk 'BEGIN {FS = ":.*## "} {printf "  %-10s %s\n", $$1, $$2}'

# The venv is (re)built and the requirements installed only when a
# requirements file is newer than the stamp (or the venv is missing/broken).
$(STAMP): requirements.txt requirements-dev.txt
	@if ! $(PYTHON) -c '' >/dev/null 2>&1; then \
	  echo "==> creating $(VENV) with $(PY)"; \
	  rm -rf $(VENV); \
	  $(PY) -m venv $(VENV); \
	fi
	@echo "==> pip install -r requirements-dev.txt"
	@$(PIP_INSTALL) -r requirements-dev.txt
	@touch $@

venv: $(STAMP) ## Create/update the virtualenv (.venv) from requirements*.txt

# Local settings for `make run`; never overwritten once it exists.
.env:
	@echo "==> writing .env (DEBUG=true, random SECRET_KEY)"
	@umask 077; $(PY) -c 'import secrets; \
	print("DEBUG=true"); \
	print("SECRET_KEY=" + secrets.token_urlsafe(50)); \
	print("ALLOWED_HOSTS=127.0.0.1,localhost")' > $@.tmp
	@mv $@.tmp $@

run: $(STAMP) .env ## Migrate, load the portfolio, print the demo login, serve on 127.0.0.1:8000
	$(PYTHON) manage.py migrate --noinput
	$(PYTHON) manage.py load_portfolio
	$(PYTHON) manage.py regenerate_public_files
	$(PYTHON) manage.py demo_account
	$(PYTHON) manage.py runserver 127.0.0.1:8000

# Background jobs need REDIS_URL (in .env or the environment); without it `make run` runs
# every task inline and no worker is needed.
worker: $(STAMP) .env ## Celery worker for exports, imports, notifications (needs REDIS_URL)
	$(BIN)/celery -A citiesalliance worker --loglevel=INFO --concurrency=$${CELERY_CONCURRENCY:-2}

beat: $(STAMP) .env ## Celery beat: nightly files, weekly link check, export clean-up (needs REDIS_URL)
	$(BIN)/celery -A citiesalliance beat --loglevel=INFO

# Tests never read .env and never run with DEBUG from the caller's shell. With
# DEBUG off the settings insist on SECRET_KEY and ALLOWED_HOSTS: give them
# throwaway values (a random key per run) unless the caller set them.
# The official IATI schemas sit beside the repository (../shared); .ci/run sets the same.
IATI_SCHEMA_DIR ?= $(abspath ../shared/iati/schemas)
test: ## Lint, migration check and pytest against a throwaway PostgreSQL
test: $(STAMP)
	@env -u DEBUG DJANGO_READ_DOT_ENV=false \
	  SECRET_KEY="$${SECRET_KEY:-$$($(PY) -c 'import secrets; print(secrets.token_urlsafe(50))')}" \
	  IATI_SCHEMA_DIR="$(IATI_SCHEMA_DIR)" \
	  ALLOWED_HOSTS="$${ALLOWED_HOSTS:-testserver,127.0.0.1,localhost}" \
	  scripts/testenv.sh $(MAKE) --no-print-directory _test-steps

# Figures, not assertions: builds a large portfolio in a throwaway PostgreSQL and prints
# timings, rows per second and peak memory (bench/test_bench.py).
BENCH_PROGRAMMES ?= 2000
bench: ## Print API and export figures for a portfolio of BENCH_PROGRAMMES programmes
bench: $(STAMP)
	@env -u DEBUG -u REDIS_URL DJANGO_READ_DOT_ENV=false BENCH_PROGRAMMES=$(BENCH_PROGRAMMES) \
	  SECRET_KEY="$$($(PY) -c 'import secrets; print(secrets.token_urlsafe(50))')" \
	  IATI_SCHEMA_DIR="$(IATI_SCHEMA_DIR)" ALLOWED_HOSTS=testserver,127.0.0.1,localhost \
	  scripts/testenv.sh $(PYTHON) -m pytest bench -q -s -p no:cacheprovider --create-db

# Figures at scale (bench/scale.py): a synthetic portfolio of BENCH_PROGRAMMES programmes (here
# 100000 unless given) in a throwaway PostgreSQL, served by gunicorn (2 workers) with Redis as
# the cache; every page and API list cold, warm and under wrk beside a bare Django view serving
# the same bytes; the full exports in rows/s and peak memory.
bench-scale: ## Print page, API and export figures at BENCH_PROGRAMMES (here 100000) programmes
bench-scale: $(STAMP)
	@env -u DEBUG DJANGO_READ_DOT_ENV=false BENCH_PROGRAMMES=$(SCALE_PROGRAMMES) \
	  TESTENV_TOOLS="wrk redis-server" PG_SERVER_OPTS="$${PG_SERVER_OPTS:--c shared_buffers=1GB -c work_mem=32MB}" \
	  scripts/testenv.sh $(PYTHON) -m bench.scale

# axe-core for the browser tests, exactly as package-lock.json says. Without npm the browser
# tests' accessibility checks skip (or fail under CI) and say why.
node_modules/.package-lock.json: package.json package-lock.json
	@if command -v npm >/dev/null 2>&1; then \
	  echo "==> npm ci"; \
	  npm ci --no-audit --no-fund --loglevel=error; \
	else \
	  echo "==> npm not found: skipping npm ci (scripts/testenv.sh installs it)" >&2; \
	fi

_test-steps: node_modules/.package-lock.json
	@echo "==> ruff check"
	@$(BIN)/ruff check .
	@echo "==> ruff format --check"
	@$(BIN)/ruff format --check .
	@echo "==> makemigrations --check"
	@$(PYTHON) manage.py makemigrations --check --dry-run --skip-checks
	@echo "==> pytest $(PYTEST_ARGS)"
	@$(PYTHON) -m pytest $(PYTEST_ARGS)

lint: $(STAMP) ## ruff check + ruff format --check
	$(BIN)/ruff check .
	$(BIN)/ruff format --check .

# Known vulnerabilities in every pinned package, from PyPI's advisory data (pip-audit). Fails
# when a package cannot be checked (--strict), so "nothing found" never means "nothing asked".
audit: $(STAMP) ## pip-audit of requirements.txt and requirements-dev.txt
	$(BIN)/pip-audit --strict --progress-spinner off -r requirements.txt -r requirements-dev.txt

format: $(STAMP) ## ruff format + ruff check --fix
	$(BIN)/ruff format .
	$(BIN)/ruff check --fix .

migrate: $(STAMP) .env ## Apply migrations to the local database
	$(PYTHON) manage.py migrate

shell: $(STAMP) .env ## Django shell
	$(PYTHON) manage.py shell

clean: ## Remove the venv, db.sqlite3, media/, caches
	rm -rf $(VENV) db.sqlite3 media private-media celerybeat-schedule* .pytest_cache .ruff_cache
	find . -path ./.git -prune -o -type d -name __pycache__ -prune -exec rm -rf {} +
