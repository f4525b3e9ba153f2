# Relais — two commands: `make run` and `make test`. Everything else is optional.
SHELL := /bin/bash
PYTHON ?= $(shell command -v python3.11 || command -v python3)
VENV := .venv
PY := $(VENV)/bin/python
PIP := $(VENV)/bin/pip
HOST ?= 127.0.0.1
PORT ?= 8000

.PHONY: run test install install-dev lint format migrate seed bench load clean

$(VENV)/bin/activate:
	$(PYTHON) -m venv $(VENV)
	$(PIP) install --quiet --upgrade pip

$(VENV)/.installed: $(VENV)/bin/activate requirements/base.lock
	$(PIP) install --quiet -r requirements/base.lock
	touch $@

$(VENV)/.installed-dev: $(VENV)/.installed requirements/dev.lock
	$(PIP) install --quiet -r requirements/dev.lock
	touch $@

install: $(VENV)/.installed
install-dev: $(VENV)/.installed-dev

migrate: install
	$(PY) manage.py migrate --no-input

seed: migrate
	$(PY) manage.py seed_demo

## Serve the demo on http://$(HOST):$(PORT) (by default http://127.0.0.1:8000; local demo: second
## factor not required), with the task worker that sends the e-mails (printed on this console);
## Ctrl-C stops both.
run: seed
	RELAIS_BASE_URL=http://$(HOST):$(PORT) $(PY) manage.py print_demo_logins
	@trap 'kill 0' EXIT INT TERM; \
	RELAIS_BASE_URL=http://$(HOST):$(PORT) $(PY) manage.py db_worker --interval 1 & \
	RELAIS_OTP_REQUIRED=0 RELAIS_BASE_URL=http://$(HOST):$(PORT) $(PY) manage.py runserver $(HOST):$(PORT)

lint: install-dev
	$(VENV)/bin/ruff check .
	$(VENV)/bin/ruff format --check .

format: install-dev
	$(VENV)/bin/ruff check --fix .
	$(VENV)/bin/ruff format .

## Lint, migration check and the whole test suite (browser tests included when Chromium is present).
test: install-dev
	$(VENV)/bin/ruff check .
	$(VENV)/bin/ruff format --check .
	$(VENV)/bin/lint-imports --no-cache
	DJANGO_SETTINGS_MODULE=config.settings.test $(PY) manage.py makemigrations --check --dry-run
	$(VENV)/bin/pytest $(PYTEST_ARGS)

## Server-side timings (median, p95) under gunicorn on loopback, on generated data.
bench: install-dev
	$(PY) bench/run.py $(BENCH_ARGS)

## N professionals at once against gunicorn (bench/load.py; e.g. LOAD_ARGS="--users 100 --duration 600").
load: install-dev
	$(PY) bench/load.py $(LOAD_ARGS)

clean:
	rm -rf $(VENV) var test-artifacts
