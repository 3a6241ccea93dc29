# rightsadmin: `make run` serves the demo on SQLite, `make test` runs every test.
PYTHON ?= python3.11
VENV := .venv
BIN := $(VENV)/bin
export DEBUG ?= 1

.PHONY: run test deps lint install db messages bench clean

$(BIN)/python:
	@command -v $(PYTHON) >/dev/null 2>&1 || { echo "Python 3.11 is needed: set PYTHON=/path/to/python3.11"; exit 1; }
	$(PYTHON) -m venv $(VENV)

$(VENV)/.installed: requirements.txt requirements-dev.txt | $(BIN)/python
	$(BIN)/pip install --quiet --upgrade pip
	$(BIN)/pip install --quiet -r requirements-dev.txt
	touch $@

install: $(VENV)/.installed

# Debian packages the tests use (Chromium, poppler, Thai fonts, pango, gettext): installed as root, else named.
deps:
	@bash scripts/deps.sh

db: install
	$(BIN)/python manage.py migrate --no-input
	$(BIN)/python manage.py load_reference_data
	$(BIN)/python manage.py seed_demo
	$(BIN)/python manage.py seed_demo_receipts

run: db
	$(BIN)/python manage.py runserver 127.0.0.1:8000

# Tests run on whatever DATABASE_URL names (SQLite by default); .ci/run runs them on PostgreSQL and on SQLite.
test: install deps
	DEBUG=0 SECRET_KEY=test-only-secret-key $(BIN)/pytest $(PYTEST_ARGS)

# The code is laid out by hand (tables of values kept on one line, up to 120 columns), so no formatter is enforced.
lint: install
	$(BIN)/ruff check .

# Thai is the source language; English comes from locale/en. Needs gettext to re-extract, not to run.
messages: install
	$(BIN)/python manage.py makemessages -l en --ignore=.venv --ignore=staticfiles
	$(BIN)/python manage.py compilemessages -l en --ignore=.venv

# The national-scale benchmark (docs/performance.md): PostgreSQL when BENCH_DATABASE_URL is set (a dedicated
# database: a previous benchmark dataset in it is wiped), else the SQLite file bench.sqlite3 (no receipt workers).
# BENCH_ARGS passes options, e.g. BENCH_ARGS="--scale 0.05" for a quick run or "--keep" to reuse the dataset.
bench: install
	@if [ -n "$(BENCH_DATABASE_URL)" ]; then echo "make bench: PostgreSQL database from BENCH_DATABASE_URL"; \
	else echo "make bench: SQLite file bench.sqlite3 (set BENCH_DATABASE_URL=postgres://... to use PostgreSQL)"; fi
	@DEBUG=0 SECRET_KEY=bench-only-secret-key DATABASE_URL="$(or $(BENCH_DATABASE_URL),sqlite:///$(CURDIR)/bench.sqlite3)" \
		$(BIN)/python manage.py benchmark $(BENCH_ARGS)

clean:
	rm -rf $(VENV) db.sqlite3 test-db.sqlite3 staticfiles test-artifacts
