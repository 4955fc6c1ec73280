# Ledger Bridge. `make demo` runs the product; `make run` runs it the production way (README,
# Production); `make test` runs the tests. Each starts from a fresh clone: they create .venv
# with Python 3.11 and install the locked requirements (`make lock` re-compiles the locks).
PYTHON ?= python3.11
VENV := .venv
BIN := $(VENV)/bin
HOST ?= 127.0.0.1
PORT ?= 8000
SANDBOX_PORT ?= 8765
WORKERS ?= 2
TLS ?= on

.PHONY: demo run test lint screenshots install install-dev lock messages clean

$(BIN)/python:
	$(PYTHON) -m venv $(VENV)
	$(BIN)/pip install --quiet --upgrade pip==26.3

# The lock files pin every transitive dependency with its hashes; pip refuses anything else.
$(VENV)/.installed: requirements.lock | $(BIN)/python
	$(BIN)/pip install --quiet --require-hashes -r requirements.lock
	touch $@

$(VENV)/.installed-dev: requirements-dev.lock $(VENV)/.installed
	$(BIN)/pip install --quiet --require-hashes -r requirements-dev.lock
	touch $@

install: $(VENV)/.installed
install-dev: $(VENV)/.installed-dev

# Re-compile both lock files after a change to requirements.txt or requirements-dev.txt. The
# development lock takes the runtime versions from requirements.lock, so the two never differ.
PIP_COMPILE := $(BIN)/pip-compile --quiet --generate-hashes --allow-unsafe --strip-extras --no-header
lock: $(VENV)/.installed-dev
	$(PIP_COMPILE) --output-file requirements.lock requirements.txt
	$(PIP_COMPILE) --constraint requirements.lock --output-file requirements-dev.lock requirements-dev.txt

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

# PNGs of the main screens, 1400 px wide, in English and Danish, as a finance manager sees them:
# the browser tests of tests/e2e/test_screens.py, saving each page they read to docs/screenshots/.
screenshots: $(VENV)/.installed-dev
	SCREENSHOTS=docs/screenshots $(BIN)/pytest tests/e2e/test_screens.py -p no:randomly -q $(PYTEST_ARGS)

lint: $(VENV)/.installed-dev
	$(BIN)/ruff check .
	$(BIN)/python scripts/dead_code.py

# Re-read every message into the three Danish catalogues (the apps' own, and `locale` for the
# templates and settings; an app's files are left out by a pattern on their path, as its name
# alone would leave out its templates' folder too), then compile them; `tests/test_translations.py` fails on any left
# untranslated. GNU gettext's tools do the work (Debian's gettext package).
MAKEMESSAGES := ../$(BIN)/python ../manage.py makemessages -l da --no-obsolete --add-location file
messages: $(VENV)/.installed-dev
	cd accounts_app && $(MAKEMESSAGES) -e py -i "migrations/*"
	cd integration && $(MAKEMESSAGES) -e py -i "migrations/*"
	$(BIN)/python manage.py makemessages -l da --no-obsolete --add-location file -e html,py \
		-i "accounts_app/*.py" -i "integration/*.py" -i economic_sandbox -i tests -i bench \
		-i soak -i scripts -i .venv -i staticfiles -i docs
	$(BIN)/python manage.py compilemessages -l da -i .venv

clean:
	rm -rf $(VENV) staticfiles test_db.sqlite3*
