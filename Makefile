# PrepForge. `make run` serves the site with demo data; `make test` runs the tests.
PYTHON ?= python3
VENV := .venv
PY := $(VENV)/bin/python
UV := $(VENV)/bin/uv
UV_VERSION := 0.13.9
# uv installs into our own venv, never a global one.
export UV_PROJECT_ENVIRONMENT := $(VENV)
HOST ?= 127.0.0.1
PORT ?= 8000
# Web worker processes; more than one needs REDIS_URL (the in-memory channel layer is per process).
WEB_WORKERS ?= 1
# Test processes (pytest-xdist): one per core by default; TEST_WORKERS=0 runs the suite in this process.
TEST_WORKERS ?= auto

.PHONY: run prod test bench assets worker beat migrate seed lint check-deploy clean upgrade lock-check

# Exactly the versions in uv.lock: `--locked` fails when the lock no longer matches
# pyproject.toml, and versions move only through `make upgrade`.
$(VENV)/.installed: pyproject.toml uv.lock
	@test -x $(PY) || $(PYTHON) -m venv $(VENV)
	@test -x $(UV) && $(UV) --version | grep -q " $(UV_VERSION)" || \
		$(PY) -m pip install --quiet --disable-pip-version-check "uv==$(UV_VERSION)"
	$(UV) sync --locked --extra dev --python $(PY)
	@touch $@

# The real JavaScript clients the tests drive (y-websocket) and the bundler, pinned by package-lock.json.
node_modules/.installed: package.json package-lock.json
	npm ci --no-audit --no-fund
	@touch $@

lock-check: $(VENV)/.installed
	$(UV) lock --check

upgrade: $(VENV)/.installed
	$(UV) lock --upgrade
	$(UV) sync --locked --extra dev --python $(PY)
	npm update --no-audit --no-fund
	@touch $(VENV)/.installed
	$(MAKE) test

migrate: $(VENV)/.installed
	$(PY) manage.py migrate --noinput

seed: migrate
	$(PY) manage.py seed_demo
	$(PY) manage.py seed_challenges
	$(PY) manage.py seed_questions
	$(PY) manage.py seed_peer
	$(PY) manage.py seed_community
	$(PY) manage.py seed_analytics

run: seed
	@echo ""
	@echo "  PrepForge is starting on http://$(HOST):$(PORT)/  (granian: pages, API and WebSockets)"
	@echo "  Admin: http://$(HOST):$(PORT)/admin/   API docs: http://$(HOST):$(PORT)/api/docs/"
	@echo "  Mail in development is written to var/mail/ (one file per message)."
	@echo ""
	$(VENV)/bin/granian --interface asginl --host $(HOST) --port $(PORT) --workers $(WEB_WORKERS) \
		config.asgi:application

# Production-style, on one machine: nginx, two web processes, a Celery worker and beat, on
# PostgreSQL and Redis (DATABASE_URL, REDIS_URL; local ones by default). See deploy/.
prod: $(VENV)/.installed
	@command -v nginx >/dev/null 2>&1 || { echo "make prod needs nginx: apt-get install -y nginx-light"; exit 1; }
	./deploy/prod.sh

test: $(VENV)/.installed node_modules/.installed
	$(PY) -m pytest -n $(TEST_WORKERS) --dist loadfile $(PYTEST_ARGS)

bench: $(VENV)/.installed node_modules/.installed
	$(PY) -m pytest tests/bench -p no:cacheprovider -o addopts="" -s $(PYTEST_ARGS)

worker: $(VENV)/.installed
	$(VENV)/bin/celery -A config worker --loglevel=INFO --concurrency=2

beat: $(VENV)/.installed
	$(VENV)/bin/celery -A config beat --loglevel=INFO --schedule=var/celerybeat-schedule

assets: node_modules/.installed
	npm run build

lint: $(VENV)/.installed
	$(VENV)/bin/ruff check .
	$(VENV)/bin/mypy

check-deploy: $(VENV)/.installed
	DEBUG=0 SECRET_KEY=$$(openssl rand -hex 40) ALLOWED_HOSTS=prepforge.example.com $(PY) manage.py check --deploy --fail-level WARNING

clean:
	rm -rf var/db.sqlite3 var/test-db.sqlite3 var/mail var/media var/screenshots
