# 产改考核 — two commands on a fresh machine: `make run` and `make test`.
PYTHON ?= python3.11
VENV   := .venv
BIN    := $(VENV)/bin
STAMP  := $(VENV)/.installed
HOST   ?= 127.0.0.1
PORT   ?= 8000

# `make run` is the local demo as the district's server runs it: DEBUG off (the product's own
# 403/404/500 pages), static files from var/static by WhiteNoise, plain HTTP on loopback, a
# secret key generated once into var/secret_key (scripts/run-env). SQLite under var/ unless
# DATABASE_URL says otherwise. `make dev` is the same data with DEBUG on and runserver.
RUN_ENV := bash scripts/run-env
DEV_ENV := DJANGO_DEBUG=1

.PHONY: run dev test venv setup lint format check clean sysdeps worker

venv: $(STAMP)

$(STAMP): pyproject.toml
	@command -v $(PYTHON) >/dev/null || { echo "需要 $(PYTHON)（Python 3.11）"; exit 1; }
	test -x $(BIN)/python || $(PYTHON) -m venv $(VENV)
	$(BIN)/python -m pip install --quiet --disable-pip-version-check --upgrade pip
	# The optional directory login (python-ldap) builds only where its headers are installed.
	$(BIN)/python -m pip install --quiet --disable-pip-version-check -e ".[dev$$(test -f /usr/include/ldap.h && echo ,ldap)]"
	touch $(STAMP)

# System packages the browser tests need (Debian's chromium, CJK fonts). Installs them when
# run as root with apt; otherwise says what is missing and the browser tests skip (not in CI).
sysdeps:
	@bash scripts/ensure-system-deps

# seed_demo --force: DEBUG is off, but this machine is a demo, not the district's server.
setup: venv
	mkdir -p var
	$(RUN_ENV) $(BIN)/python manage.py migrate --noinput
	$(RUN_ENV) $(BIN)/python manage.py loaddata catalogue figure_defaults
	$(RUN_ENV) $(BIN)/python manage.py collectstatic --noinput --verbosity 0
	$(RUN_ENV) $(BIN)/python manage.py seed_demo --sample-data --print-logins --force

run: setup
	$(RUN_ENV) $(BIN)/gunicorn fengtai_assess.wsgi --bind $(HOST):$(PORT) --workers 2 --access-logfile -

dev: setup
	$(DEV_ENV) $(BIN)/python manage.py runserver $(HOST):$(PORT)

# Background jobs (evidence previews) when FENGTAI_TASKS_BACKEND=database; `make run` needs none.
worker: venv
	FENGTAI_TASKS_BACKEND=$${FENGTAI_TASKS_BACKEND:-database} $(RUN_ENV) $(BIN)/python manage.py db_worker

test: sysdeps venv
	$(BIN)/python -m pytest -n auto $(PYTEST_ARGS)

lint: venv
	$(BIN)/ruff check .
	$(BIN)/ruff format --check .
	$(BIN)/mypy

format: venv
	$(BIN)/ruff check --fix .
	$(BIN)/ruff format .

check: venv
	DJANGO_SECRET_KEY=check-only $(BIN)/python manage.py makemigrations --check --dry-run

clean:
	rm -rf $(VENV) var/db.sqlite3 .pytest_cache .ruff_cache

# `make serve`: production serving (DEBUG off) with gunicorn on DATABASE_URL; static files are
# collected for WhiteNoise first. Workers: GUNICORN_WORKERS (default 2 × cores + 1); see
# fengtai_assess/gunicorn.py. Needs DJANGO_SECRET_KEY and DJANGO_ALLOWED_HOSTS (README).
.PHONY: serve
serve: venv
	DJANGO_DEBUG=0 $(BIN)/python manage.py collectstatic --noinput --verbosity 0
	DJANGO_DEBUG=0 HOST=$(HOST) PORT=$(PORT) $(BIN)/gunicorn -c fengtai_assess/gunicorn.py

# Benchmark at city scale (not part of the test suite; 10–20 minutes): builds the
# bench databases on the PostgreSQL server at 127.0.0.1, loads the key pages with wrk and
# writes docs/benchmarks.md (benchmarks/run.py; BENCH_ARGS="--sizes small --duration 3").
.PHONY: bench
bench: venv
	@command -v wrk >/dev/null || { [ "$$(id -u)" = 0 ] && apt-get install -y --no-install-recommends wrk; } \
		|| { echo "需要 wrk：apt-get install -y wrk"; exit 1; }
	$(BIN)/python benchmarks/run.py $(BENCH_ARGS)
