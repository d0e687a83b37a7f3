# The verbs people need. `make run` and `make test` set everything up on a fresh machine.
SHELL := /bin/bash
PYTHON ?= $(shell command -v python3.11 || command -v python3)
VENV := .venv
BIN := $(VENV)/bin
INSTALLED := $(VENV)/.installed
NODE_INSTALLED := node_modules/.installed
DEV_ENV := DEBUG=1
# `PORT=8080 make run` serves on another port; the links in emails and calendar events follow it.
PORT ?= 8000

.PHONY: run setup test lint format check-deploy bench restore-check image-check clean lock faults

$(BIN)/python:
	$(PYTHON) -m venv $(VENV)
	$(BIN)/python -m pip install --quiet --upgrade pip

# requirements-dev.lock holds the runtime pins (requirements.lock) plus the tools for tests and lint,
# every file with its hash: pip refuses anything else. `make lock` regenerates both from pyproject.toml.
$(INSTALLED): requirements.lock requirements-dev.lock | $(BIN)/python
	$(BIN)/pip install --quiet --require-hashes -r requirements-dev.lock
	touch $@

$(NODE_INSTALLED): package.json package-lock.json
	npm ci --no-audit --no-fund --loglevel=error
	touch $@

install: $(INSTALLED) $(NODE_INSTALLED)

## setup: install, migrate, load reference and demo data (idempotent)
setup: install
	$(DEV_ENV) $(BIN)/python manage.py migrate --noinput
	$(DEV_ENV) $(BIN)/python manage.py collectstatic --noinput --verbosity 0
	$(DEV_ENV) $(BIN)/python manage.py setup_demo

## run: set up, then start the web server, a Celery worker and Celery beat (Ctrl-C stops all three)
run: setup
	@echo "Starting the web server on http://127.0.0.1:$(PORT), a Celery worker and Celery beat. Ctrl-C stops them."
	$(DEV_ENV) SITE_URL=http://127.0.0.1:$(PORT) PATH="$(CURDIR)/$(BIN):$$PATH" $(BIN)/honcho start -f Procfile.dev --port $(PORT)

## test: the whole suite (SQLite and the filesystem broker, or PostgreSQL and Redis with DATABASE_URL and REDIS_URL)
test: install
	$(BIN)/python -m pytest

## faults: the fault tests (broker down, worker killed, mail server hanging, database connections killed), each
## starting its own Redis, worker and mail server on loopback; on PostgreSQL (DATABASE_URL) and Redis (REDIS_URL)
faults: $(INSTALLED)
	@test -n "$$DATABASE_URL" -a -n "$$REDIS_URL" || { echo "make faults needs DATABASE_URL (PostgreSQL) and REDIS_URL"; exit 1; }
	$(BIN)/python -m pytest -p no:randomly tests/intervention/test_outbox_faults.py tests/intervention/test_worker_and_database_faults.py

## lint: ruff, formatting, mypy, template lint and migrations up to date (what the pre-commit hooks run)
lint: install
	$(BIN)/ruff check .
	$(BIN)/ruff format --check .
	$(BIN)/mypy
	$(BIN)/djlint templates --lint
	TESTING=1 $(BIN)/python manage.py makemigrations --check --dry-run

## lock: pin pyproject.toml's dependencies with hashes (runtime: requirements.lock, for the image;
## development: requirements-dev.lock). Keeps today's versions unless pyproject asks otherwise.
lock: install
	$(BIN)/uv pip compile pyproject.toml --quiet --generate-hashes --python-version 3.11 --no-header -o requirements.lock
	$(BIN)/uv pip compile pyproject.toml --quiet --generate-hashes --python-version 3.11 --no-header --extra dev \
		-c requirements.lock -o requirements-dev.lock

format: install
	$(BIN)/ruff format .
	$(BIN)/ruff check --fix .

## check-deploy: Django's deployment checks with production-shaped settings
check-deploy: install
	DEBUG=0 SECRET_KEY="$$(python3 -c 'import secrets; print(secrets.token_urlsafe(50))')" \
	ALLOWED_HOSTS=casework.example SERVICE_CONTACT_EMAIL=casework-support@casework.example \
	SITE_URL=https://casework.example \
	$(BIN)/python manage.py check --deploy --fail-level WARNING

## bench: national-scale figures against the budgets, on PostgreSQL (DATABASE_URL: a database of its own)
bench: install $(NODE_INSTALLED)
	$(BIN)/python bench/run.py $(BENCH_ARGS)

## restore-check: back up a database and its files as docs/operations.md says, restore them, and check the copy (PostgreSQL)
restore-check: install
	PYTHON=$(BIN)/python tools/restore-check.sh

## image-check: build the production image and check it holds no test tools or Node, runs as non-root, passes check --deploy
image-check:
	tools/image-check.sh

clean:
	rm -rf $(VENV) node_modules var
