# Two commands matter: `make run` and `make test` (see README.md).
SHELL := /bin/bash
VENV := .venv
PY := $(VENV)/bin/python
# The first Python >= 3.12 found: pyenv's (.python-version says 3.12), then the usual names.
PYTHON ?= $(shell for p in "$$(pyenv which python3.12 2>/dev/null)" python3.13 python3.12 python3; do \
	command -v "$$p" >/dev/null 2>&1 && "$$p" -c 'import sys; sys.exit(sys.version_info < (3, 12))' 2>/dev/null \
	&& { command -v "$$p"; break; }; done)
HOST ?= 127.0.0.1
PORT ?= 8000

.PHONY: install run test lint fmt check-deploy clean backup restore bench audit vendor

install: $(VENV)/.installed

$(VENV)/.installed: requirements.lock
	@if [ -z "$(PYTHON)" ]; then echo "error: no Python 3.12 or newer found. Install one (e.g. 'pyenv install 3.12') or run 'make PYTHON=/path/to/python3.12 install'." >&2; exit 1; fi
	@test -x $(PY) || $(PYTHON) -m venv $(VENV)
	@# Twice. First without resolving (--no-deps): the pip a new venv comes with (23.2) refuses
	@# a pinned package wanted with an extra, fonttools[woff], once a newer release exists; this
	@# pass also brings the lock's own pip. Then that pip resolves the whole lock, extras
	@# included, so a requirement the lock left out fails the install here.
	$(PY) -m pip install --quiet --disable-pip-version-check --require-hashes --no-deps -r requirements.lock
	$(PY) -m pip install --quiet --disable-pip-version-check --require-hashes -r requirements.lock
	@touch $@

# The site and its email worker (docs/operations.md, "Email"): Ctrl-C stops both.
run: install
	$(PY) manage.py migrate --noinput
	$(PY) manage.py seed_demo
	@$(PY) manage.py send_queued_emails --loop --interval 2 & worker=$$!; \
	trap 'kill -TERM $$worker 2>/dev/null; wait $$worker' EXIT INT TERM; \
	$(PY) manage.py runserver $(HOST):$(PORT)

lint: install
	$(VENV)/bin/ruff check .
	$(VENV)/bin/ruff format --check .
	$(VENV)/bin/mypy
	$(PY) manage.py makemigrations --check --dry-run --settings=config.settings.test
	$(PY) manage.py check --settings=config.settings.test

fmt: install
	$(VENV)/bin/ruff check --fix .
	$(VENV)/bin/ruff format .

# The rules modules must keep 100% branch coverage.
COVERAGE := --cov=classification.allocation --cov=candidates.qualifications --cov-branch \
	--cov-report=term-missing:skip-covered --cov-fail-under=100

# One test worker per core (pytest-xdist), each with its own test database.
PYTEST_WORKERS ?= auto

test: lint
	$(VENV)/bin/pytest -n $(PYTEST_WORKERS) $(COVERAGE) $(PYTEST_ARGS)

# Production settings must pass Django's deployment checklist.
# It reads the variables .env.example documents, with a strong random secret.
check-deploy: install
	set -a && . ./.env.example && set +a && \
	DJANGO_SECRET_KEY="$$($(PY) -c 'import secrets; print(secrets.token_urlsafe(64))')" \
	$(PY) manage.py check --deploy --fail-level WARNING

# Backups of DATABASE_URL's PostgreSQL database (docs/operations.md).
backup: install
	$(PY) scripts/pgbackup.py backup

restore: install
	@if [ -z "$(FILE)" ]; then echo "usage: make restore FILE=var/backups/him-<UTC>.dump (replaces DATABASE_URL's data)" >&2; exit 2; fi
	$(PY) scripts/pgbackup.py restore "$(FILE)"

# Load benchmark of the pages in scripts/bench_pages.py → docs/benchmarks.md (needs PostgreSQL, wrk).
bench: install
	$(PY) scripts/bench.py

# Known vulnerabilities in the locked dependencies (pip-audit).
audit: install
	$(PY) scripts/audit.py

# New York State's design system into static/vendor/nysds/ (pinned, integrity-checked; decision 0022).
vendor:
	python3 scripts/vendor.py

# Regenerate the lock after changing pyproject.toml.
lock: install
	$(VENV)/bin/pip install --quiet uv
	$(VENV)/bin/uv pip compile pyproject.toml --extra dev --python-version 3.12 --generate-hashes -o requirements.lock

clean:
	rm -rf $(VENV) var .pytest_cache .ruff_cache htmlcov .coverage
