# Ledger Bridge. `make demo` runs the product; `make run` runs it the production way (README,
# Production); `make test` runs the tests. Each starts from a fresh clone: they create .venv
# with Python 3.11 and install the pinned requirements.
PYTHON ?= python3.11
VENV := .venv
BIN := $(VENV)/bin
HOST ?= 127.0.0.1
PORT ?= 8000
SANDBOX_PORT ?= 8765
WORKERS ?= 2
TLS ?= on

.PHONY: demo run test lint install install-dev clean

$(BIN)/python:
	$(PYTHON) -m venv $(VENV)
	$(BIN)/pip install --quiet --upgrade pip==26.3

$(VENV)/.installed: requirements.txt | $(BIN)/python
	$(BIN)/pip install --quiet -r requirements.txt
	touch $@

$(VENV)/.installed-dev: requirements.txt requirements-dev.txt $(VENV)/.installed
	$(BIN)/pip install --quiet -r requirements-dev.txt
	touch $@

install: $(VENV)/.installed
install-dev: $(VENV)/.installed-dev

# A first `make demo` writes .env with fresh keys; later runs keep it.
.env:
	$(BIN)/python scripts/write_env.py .env.example .env

demo: $(VENV)/.installed .env
	$(BIN)/python manage.py migrate --noinput
	$(BIN)/python manage.py seed_demo
	HOST=$(HOST) PORT=$(PORT) SANDBOX_PORT=$(SANDBOX_PORT) BIN=$(BIN) bash scripts/demo.sh

# Production: PostgreSQL and Redis on 127.0.0.1 (or DATABASE_URL, REDIS_URL), gunicorn and
# WORKERS django-q2 workers; TLS=off when no TLS proxy is in front.
run: $(VENV)/.installed .env
	HOST=$(HOST) PORT=$(PORT) WORKERS=$(WORKERS) TLS=$(TLS) BIN=$(BIN) bash scripts/run.sh

test: $(VENV)/.installed-dev
	$(BIN)/pytest $(PYTEST_ARGS)

lint: $(VENV)/.installed-dev
	$(BIN)/ruff check .
	$(BIN)/python scripts/dead_code.py

clean:
	rm -rf $(VENV) staticfiles test_db.sqlite3*
