# Two commands for a newcomer: `make run` (the app with demo content) and `make test`.
SHELL := /bin/bash
export UV_PYTHON_DOWNLOADS ?= automatic
# uv runs as a module of the selected Python (pyenv reads .python-version), so
# nothing needs to be on PATH.
UV := python3 -m uv
PYTHON := .venv/bin/python
HOST ?= 127.0.0.1
PORT ?= 8000
PG_URL ?= postgres://postgres@127.0.0.1:5432/quizsite
REDIS_TEST_URL ?= redis://127.0.0.1:6379/15

.PHONY: uv run test test-postgres e2e lint format install install-e2e fixtures golden check-deploy clean \
	serve loadtest loadtest-smoke load-figures signin-storm drill-kill-server drill-restart-postgres drill-stop-redis

uv:
	@$(UV) --version >/dev/null 2>&1 || python3 -m pip install --quiet uv

install: uv
	$(UV) sync --frozen --all-groups --quiet

run: install  ## Run the app with the demo course on http://127.0.0.1:8000
	DEBUG=1 $(PYTHON) manage.py migrate --noinput
	DEBUG=1 $(PYTHON) manage.py load_demo
	DEBUG=1 $(PYTHON) manage.py runserver $(HOST):$(PORT)

test: install  ## The test suite on SQLite (what CI runs first)
	$(UV) run --frozen pytest

test-postgres: install  ## The same suite on PostgreSQL and Redis
	DATABASE_URL=$(PG_URL) REDIS_URL=$(REDIS_TEST_URL) $(UV) run --frozen pytest

install-e2e:
	command -v chromium >/dev/null || (apt-get update -qq && apt-get install -y -qq chromium >/dev/null)

e2e: install install-e2e  ## Browser tests in headless Chromium
	$(UV) run --frozen pytest -m e2e

lint: install
	$(UV) run --frozen ruff check .
	$(UV) run --frozen ruff format --check .
	DEBUG=1 $(UV) run --frozen mypy
	DEBUG=1 $(UV) run --frozen python manage.py build_fixtures --check
	DEBUG=1 $(UV) run --frozen python manage.py makemigrations --check --dry-run

check-deploy: install  ## Django's deployment checklist with production-like settings
	SECRET_KEY=$$(openssl rand -hex 32) ALLOWED_HOSTS=quiz.example.org DATABASE_URL=$(PG_URL) \
	  REDIS_URL=$(REDIS_TEST_URL) $(UV) run --frozen python manage.py check --deploy --fail-level WARNING

format: install
	$(UV) run --frozen ruff format .
	$(UV) run --frozen ruff check --fix .

fixtures: install  ## Rebuild fixtures/*.json from fixtures/content/*.toml
	DEBUG=1 $(UV) run --frozen python manage.py build_fixtures

GOLDEN_TEXTS := leiomyosarcoma=fixtures/leiomyosarcoma.txt lisbon=fixtures/samples/lisbon.txt \
	photosynthesis=fixtures/samples/photosynthesis.txt coral_reefs=fixtures/samples/coral_reefs.txt \
	printing_press=fixtures/samples/printing_press.txt stock_market=fixtures/samples/stock_market.txt \
	vaccines=fixtures/samples/vaccines.txt

golden: install  ## Refresh tests/golden/derive/*.json after an intended change to derivation
	@for pair in $(GOLDEN_TEXTS); do \
		DEBUG=1 $(PYTHON) manage.py derive_questions $${pair#*=} --dry-run --json \
			> tests/golden/derive/$${pair%%=*}.json || exit 1; \
		echo "tests/golden/derive/$${pair%%=*}.json"; \
	done

serve: install  ## Production-like: the release steps, then gunicorn (needs SECRET_KEY, ALLOWED_HOSTS, DATABASE_URL...)
	$(PYTHON) manage.py collectstatic --noinput --verbosity 0
	$(PYTHON) manage.py migrate --noinput
	$(UV) run --frozen gunicorn -c quizsite/gunicorn.conf.py quizsite.wsgi

# Load test and fault drills (tests/load/run.py): two gunicorn servers on a
# fresh PostgreSQL database (LOAD_DATABASE_URL) and Redis db 14 (LOAD_REDIS_URL).
# LOAD_ARGS passes options, e.g. LOAD_ARGS="--users 300 --seconds 120".
loadtest: install  ## A class taking quizzes on two servers, then the database checks
	$(PYTHON) tests/load/run.py loadtest $(LOAD_ARGS)

loadtest-smoke: install  ## A 45-second version of the load test (CI)
	$(PYTHON) tests/load/run.py smoke $(LOAD_ARGS)

load-figures: install  ## Throughput ratios to a plain page, then the capacity steps (~25 min)
	$(PYTHON) tests/load/run.py figures $(LOAD_ARGS)

signin-storm: install  ## 1,000 students signing in at once: how long, and other requests' p95 meanwhile
	$(PYTHON) tests/load/run.py signin-storm $(LOAD_ARGS)

drill-kill-server: install  ## Kill one of two servers mid-load: nothing lost or duplicated
	$(PYTHON) tests/load/run.py drill-kill-server $(LOAD_ARGS)

drill-restart-postgres: install  ## Restart (a private) PostgreSQL mid-load: 503s during, none after
	$(PYTHON) tests/load/run.py drill-restart-postgres $(LOAD_ARGS)

drill-stop-redis: install  ## Stop (a private) Redis mid-load: no error, nobody signed out
	$(PYTHON) tests/load/run.py drill-stop-redis $(LOAD_ARGS)
