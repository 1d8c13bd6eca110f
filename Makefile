# Tawasul: two commands on a fresh machine are `make run` and `make test` (see README.md).
#
# One virtualenv (.venv) serves every target. It is installed from requirements-dev.lock
# (the runtime lock plus the test and lint tools), so `make test` after `make run` installs
# nothing. The stamp file makes repeated runs skip pip until the lock file changes.

PYTHON ?= python3
VENV := .venv
BIN := $(VENV)/bin
STAMP := $(VENV)/.installed-dev
MANAGE := $(BIN)/python manage.py
# Extra arguments for pytest, e.g. `make test PYTEST_ARGS="-k audit -x"`.
PYTEST_ARGS ?=
# Address of the development server; demo password (empty: seed_demo's default).
ADDR ?= 127.0.0.1:8000
DEMO_PASSWORD ?=
# compilemessages walks the whole tree: keep it out of the virtualenv and generated files.
MESSAGES_IGNORE := --ignore=.venv --ignore=var --ignore=node_modules --ignore=.git

SHELL := /bin/bash
.DEFAULT_GOAL := help
.PHONY: help run test test-postgres test-browser lint check-deploy check-migrations \
	check-schema check-docs messages vendor lock clean bench

help:
	@echo "make run            install, migrate, load the demo data, serve http://$(ADDR) with the task worker"
	@echo "make test           install the test tools and run the whole suite on SQLite"
	@echo "make test-postgres  the same suite on PostgreSQL (127.0.0.1:5432, or a temporary server)"
	@echo "make test-browser   only the browser tests (headless Chromium at /usr/bin/chromium)"
	@echo "make lint           ruff check and mypy"
	@echo "make check-deploy   Django's deployment checks with production settings"
	@echo "make check-migrations / check-schema / check-docs"
	@echo "                    no missing migration; OpenAPI schema valid; docs name real code"
	@echo "make bench          page timings on a generated bench database (var/bench/; not a test)"
	@echo "                    BENCH_ARGS=\"--db postgres --persons 1000000 --reuse\", or \"--report\""
	@echo "make vendor         refresh static/vendor/ from the npm registry"
	@echo "make lock           regenerate requirements.lock and requirements-dev.lock with uv"
	@echo "make clean          remove .venv, collected static files and caches (keeps var/*.sqlite3)"

# --- The virtualenv ------------------------------------------------------------
$(BIN)/python:
	@command -v $(PYTHON) >/dev/null || { echo "error: $(PYTHON) not found; Tawasul needs Python 3.11 or newer" >&2; exit 1; }
	@$(PYTHON) -c 'import sys; sys.exit(sys.version_info < (3, 11))' || { \
		echo "error: Tawasul needs Python 3.11 or newer; $(PYTHON) is $$($(PYTHON) -V 2>&1)." >&2; \
		echo "       Run with another interpreter: make PYTHON=python3.11 ..." >&2; exit 1; }
	$(PYTHON) -m venv $(VENV)

$(STAMP): requirements-dev.lock | $(BIN)/python
	$(BIN)/pip install --disable-pip-version-check --require-hashes -r requirements-dev.lock
	@touch $@

# --- The two commands ------------------------------------------------------------
run: $(STAMP) messages
	TAWASUL_DEMO_MODE=true DEMO_PASSWORD="$(DEMO_PASSWORD)" ADDR="$(ADDR)" scripts/run-dev.sh

# The test settings module (tawasul.settings_test) comes from pyproject.toml; DATABASE_URL is
# removed so that `make test` is always the embedded SQLite run.
test: $(STAMP) messages
	env -u DATABASE_URL $(BIN)/pytest $(PYTEST_ARGS)

# Uses DATABASE_URL when it names a PostgreSQL database, else 127.0.0.1:5432, else a temporary
# server started from /usr/lib/postgresql/*/bin (scripts/with-postgres.sh).
test-postgres: $(STAMP) messages
	scripts/with-postgres.sh $(BIN)/pytest $(PYTEST_ARGS)

test-browser: $(STAMP) messages
	env -u DATABASE_URL $(BIN)/pytest -m browser $(PYTEST_ARGS)

# --- Checks ----------------------------------------------------------------------
# Both run even when the first fails, so that one run shows every problem.
lint: $(STAMP)
	@status=0; \
	echo "$(BIN)/ruff check ."; $(BIN)/ruff check . || status=1; \
	echo "$(BIN)/mypy tawasul"; $(BIN)/mypy tawasul || status=1; \
	exit $$status

# Production settings as a deployment would have them: DEBUG off, a fresh random secret.
check-deploy: $(STAMP)
	@tmp=$$(mktemp -d) && trap 'rm -rf "$$tmp"' EXIT && \
	env -u TAWASUL_DEMO_MODE DEBUG=false \
		SECRET_KEY="$$($(BIN)/python -c 'import secrets; print(secrets.token_urlsafe(64))')" \
		ALLOWED_HOSTS=tawasul.example CSRF_TRUSTED_ORIGINS=https://tawasul.example \
		DATABASE_URL="sqlite:///$$tmp/check.sqlite3" TAWASUL_VAR_DIR="$$tmp" \
		$(MANAGE) check --deploy --fail-level WARNING

check-migrations: $(STAMP)
	$(MANAGE) makemigrations --check --dry-run

check-schema: $(STAMP)
	$(MANAGE) spectacular --validate --fail-on-warn --file /dev/null

# docs/where-each-rule-lives.md and docs/architecture.md name only functions and tests that exist.
check-docs:
	$(PYTHON) scripts/check_docs.py

# --- Benchmark -------------------------------------------------------------------
# Not a test and not part of `make test`: scripts/bench.py generates (or with --reuse,
# reuses) a dedicated bench database under var/bench/ (SQLite) or tawasul_bench_<n>
# (PostgreSQL) and prints p50/p95 of the pages that grow with the registry.
BENCH_ARGS ?=
bench: $(STAMP)
	$(BIN)/python scripts/bench.py $(BENCH_ARGS)

# --- Maintenance -----------------------------------------------------------------
# The .mo files are committed (locale/README.md); this recompiles any older than its .po.
messages: $(STAMP)
	@if ! find locale tawasul -name '*.po' 2>/dev/null | grep -q .; then \
		echo "no translation catalogues (.po) to compile"; \
	elif ! command -v msgfmt >/dev/null; then \
		echo "GNU gettext (msgfmt) is not installed: using the committed .mo files"; \
	else \
		echo "$(MANAGE) compilemessages"; \
		$(MANAGE) compilemessages $(MESSAGES_IGNORE) --verbosity 0; \
	fi

vendor:
	scripts/vendor.sh

# uv is used only here, to resolve and hash; everything else installs with pip from the locks.
# Add UV_ARGS=--upgrade to move every pin to the newest allowed version.
UV_ARGS ?=
lock: | $(BIN)/python
	$(BIN)/pip install --disable-pip-version-check --quiet uv
	$(BIN)/uv pip compile pyproject.toml --python-version 3.11 --generate-hashes $(UV_ARGS) \
		-o requirements.lock
	$(BIN)/uv pip compile pyproject.toml --extra dev --python-version 3.11 --generate-hashes \
		$(UV_ARGS) -o requirements-dev.lock

clean:
	rm -rf $(VENV) var/static .mypy_cache .ruff_cache .pytest_cache test-results
	find . -path ./.git -prune -o -type d -name __pycache__ -prune -exec rm -rf {} +
