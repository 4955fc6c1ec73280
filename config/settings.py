"""Ledger Bridge settings. Every value that differs between machines comes from the environment
(or a `.env` file beside manage.py); the defaults run the embedded set-up: SQLite, django-q2's
ORM broker, the e-conomic sandbox on loopback."""

from pathlib import Path

import environ
from django.utils.translation import gettext_lazy as _

BASE_DIR = Path(__file__).resolve().parent.parent

env = environ.Env()
environ.Env.read_env(BASE_DIR / ".env", overwrite=False)

DEBUG = env.bool("DEBUG", default=False)
# A development key only works with DEBUG on; `check --deploy` flags it otherwise.
SECRET_KEY = env.str("SECRET_KEY", default="django-insecure-ledger-bridge-development-only")
ALLOWED_HOSTS = env.list("ALLOWED_HOSTS", default=["127.0.0.1", "localhost"])
CSRF_TRUSTED_ORIGINS = env.list("CSRF_TRUSTED_ORIGINS", default=[])

INSTALLED_APPS = [
    "django.contrib.admin",
    "django.contrib.auth",
    "django.contrib.contenttypes",
    "django.contrib.sessions",
    "django.contrib.messages",
    "django.contrib.staticfiles",
    "django_countries",
    "import_export",
    "django_q",
    "health_check",
    "auditlog",
    "csp",
    "accounts_app",
    "integration",
]

MIDDLEWARE = [
    "django.middleware.security.SecurityMiddleware",
    "whitenoise.middleware.WhiteNoiseMiddleware",
    "django.contrib.sessions.middleware.SessionMiddleware",
    # After sessions (it reads the chosen language from them), before CommonMiddleware.
    "django.middleware.locale.LocaleMiddleware",
    "django.middleware.common.CommonMiddleware",
    "django.middleware.csrf.CsrfViewMiddleware",
    "django.contrib.auth.middleware.AuthenticationMiddleware",
    # The audit trail's "who": the signed-in user of the request that made the change.
    "auditlog.middleware.AuditlogMiddleware",
    "django.contrib.messages.middleware.MessageMiddleware",
    "django.middleware.clickjacking.XFrameOptionsMiddleware",
    "csp.middleware.CSPMiddleware",
]

ROOT_URLCONF = "config.urls"
WSGI_APPLICATION = "config.wsgi.application"

TEMPLATES = [
    {
        "BACKEND": "django.template.backends.django.DjangoTemplates",
        "DIRS": [BASE_DIR / "templates"],
        "APP_DIRS": True,
        "OPTIONS": {
            "context_processors": [
                "django.template.context_processors.request",
                "django.contrib.auth.context_processors.auth",
                "django.contrib.messages.context_processors.messages",
            ],
        },
    },
]

DATABASES = {"default": env.db("DATABASE_URL", default=f"sqlite:///{BASE_DIR / 'db.sqlite3'}")}
if DATABASES["default"]["ENGINE"] == "django.db.backends.sqlite3":
    # WAL lets the web server read while the worker writes; IMMEDIATE takes the write lock at
    # BEGIN, so two writers queue on busy_timeout instead of failing with "database is locked".
    DATABASES["default"].setdefault("OPTIONS", {}).update(
        {
            "transaction_mode": "IMMEDIATE",
            "timeout": 20,
            "init_command": "PRAGMA journal_mode=WAL; PRAGMA synchronous=NORMAL;",
        }
    )
DATABASES["default"]["CONN_MAX_AGE"] = env.int("CONN_MAX_AGE", default=0)

DEFAULT_AUTO_FIELD = "django.db.models.BigAutoField"

AUTH_PASSWORD_VALIDATORS = [
    {"NAME": "django.contrib.auth.password_validation.UserAttributeSimilarityValidator"},
    {"NAME": "django.contrib.auth.password_validation.MinimumLengthValidator"},
    {"NAME": "django.contrib.auth.password_validation.CommonPasswordValidator"},
    {"NAME": "django.contrib.auth.password_validation.NumericPasswordValidator"},
]

# The language comes from the user's choice (the switch in the admin's header, kept in a
# cookie) or else the browser's Accept-Language; LANGUAGE_CODE is the fallback.
LANGUAGE_CODE = env.str("LANGUAGE_CODE", default="en")
LANGUAGES = [("da", _("Danish")), ("en", _("English"))]
LOCALE_PATHS = [BASE_DIR / "locale"]
TIME_ZONE = env.str("TIME_ZONE", default="Europe/Copenhagen")
USE_I18N = True
USE_TZ = True
# Dates and numbers as each language writes them (config/formats): 01-12-2026 and 1.234,56 in
# Danish, 01 Dec 2026 and 1,234.56 in English. Thousands are grouped only where asked for
# (amounts, with force_grouping): grouping every number would print invoice 1042 as "1.042".
FORMAT_MODULE_PATH = ["config.formats"]

STATIC_URL = "static/"
STATIC_ROOT = BASE_DIR / "staticfiles"
STORAGES = {
    "default": {"BACKEND": "django.core.files.storage.FileSystemStorage"},
    "staticfiles": {
        "BACKEND": (
            "whitenoise.storage.CompressedManifestStaticFilesStorage"
            if not DEBUG
            else "django.contrib.staticfiles.storage.StaticFilesStorage"
        )
    },
}
MEDIA_ROOT = BASE_DIR / "media"
MEDIA_URL = "media/"

vars().update(env.email_url("EMAIL_URL", default="consolemail://"))
# Where this installation is reached, for the links in e-mails (the alert digest).
LEDGER_SITE_URL = env.str("LEDGER_SITE_URL", default="http://127.0.0.1:8000")
DEFAULT_FROM_EMAIL = env.str("DEFAULT_FROM_EMAIL", default="ledger-bridge@localhost")
SERVER_EMAIL = DEFAULT_FROM_EMAIL

# Spreadsheet import/export (django-import-export). Cells that start with =, +, -, @, a tab or
# a carriage return are escaped on export by the resources themselves (accounts_app.spreadsheets)
# so a customer name cannot become a formula in someone's spreadsheet: the library's own option
# only drops a leading "=" and turns every cell, numbers too, into text. Importing needs the
# "add" permission, exporting "view".
IMPORT_EXPORT_ESCAPE_FORMULAE_ON_EXPORT = False
IMPORT_EXPORT_ESCAPE_ILLEGAL_CHARS_ON_EXPORT = True
IMPORT_EXPORT_USE_TRANSACTIONS = True
IMPORT_EXPORT_IMPORT_PERMISSION_CODE = "add"
IMPORT_EXPORT_EXPORT_PERMISSION_CODE = "view"

# Security: secure by default; the development set-up relaxes it through .env (DEBUG=true,
# SECURE_SSL_REDIRECT=false, ...). `manage.py check --deploy` is clean with production values.
SECURE_SSL_REDIRECT = env.bool("SECURE_SSL_REDIRECT", default=not DEBUG)
SESSION_COOKIE_SECURE = env.bool("SESSION_COOKIE_SECURE", default=not DEBUG)
CSRF_COOKIE_SECURE = env.bool("CSRF_COOKIE_SECURE", default=not DEBUG)
SECURE_HSTS_SECONDS = env.int("SECURE_HSTS_SECONDS", default=0 if DEBUG else 31536000)
SECURE_HSTS_INCLUDE_SUBDOMAINS = not DEBUG
SECURE_HSTS_PRELOAD = not DEBUG
SECURE_PROXY_SSL_HEADER = ("HTTP_X_FORWARDED_PROTO", "https")
SECURE_CONTENT_TYPE_NOSNIFF = True
X_FRAME_OPTIONS = "DENY"
# Content-Security-Policy on every response, the admin's included (django-csp): scripts and
# styles only from our own static files, so an injected <script> or style does not run. Only
# django-import-export's export page has inline code: two style attributes ("padding: 0;",
# "font-weight: bold;") and one handler ("onSelectToggleChange(event)"), allowed by their
# hashes alone; our own templates have none (tests/e2e/test_content_security_policy.py).
CONTENT_SECURITY_POLICY = {
    "DIRECTIVES": {
        "default-src": ["'self'"],
        "script-src": ["'self'"],
        "script-src-attr": [
            "'unsafe-hashes'",
            "'sha256-wid4zL8fR53ZYy1ljOepzR77Dn6vWUUxuNnnWWBP3I8='",
        ],
        "style-src": ["'self'"],
        "style-src-attr": [
            "'unsafe-hashes'",
            "'sha256-mHgUAqxc8GPXM/QhzkHrHujcrQTU9fd6ZjWz+icxKcA='",
            "'sha256-+YWRMZ88jMyO7jVlBA52tZADiPobPIUA8LAWee68Fvs='",
        ],
        "img-src": ["'self'", "data:"],
        "font-src": ["'self'"],
        "connect-src": ["'self'"],
        "object-src": ["'none'"],
        "base-uri": ["'self'"],
        "form-action": ["'self'"],
        "frame-ancestors": ["'none'"],
    }
}

# Error reports hide the tokens' frames and form fields, with DEBUG on as well.
DEFAULT_EXCEPTION_REPORTER_FILTER = "integration.logredact.SecretsHiddenReporterFilter"

# Keys for encrypting secrets at rest (the e-conomic grant tokens). The first key encrypts;
# every key decrypts, so a key can be rotated by putting the new one first.
FIELD_ENCRYPTION_KEYS = env.list("FIELD_ENCRYPTION_KEYS", default=[])

REDIS_URL = env.str("REDIS_URL", default="")
# The cache every process shares (the webhook's rate limit): Redis when REDIS_URL is set,
# otherwise a table in the database (made by integration's migration 0021).
CACHES = {
    "default": (
        {"BACKEND": "django.core.cache.backends.redis.RedisCache", "LOCATION": REDIS_URL}
        if REDIS_URL
        else {
            "BACKEND": "django.core.cache.backends.db.DatabaseCache",
            "LOCATION": "ledger_bridge_cache",
        }
    ),
    # An import's progress, written by a worker inside the import's own transaction (which
    # hides it from the database until the end) and read by the progress page: Redis where there
    # is one, else files, which every process on this machine sees.
    "progress": (
        {"BACKEND": "django.core.cache.backends.redis.RedisCache", "LOCATION": REDIS_URL}
        if REDIS_URL
        else {
            "BACKEND": "django.core.cache.backends.filebased.FileBasedCache",
            "LOCATION": env.str("CACHE_DIR", default=str(BASE_DIR / ".cache")),
        }
    ),
}

# django-q2 is the doorbell, not the ledger: our job tables own retries, so a task that fails is
# acknowledged (ack_failures), missed schedules are not caught up, and timeout < retry keeps the
# broker from handing a task that is still running to a second worker.
Q_CLUSTER = {
    "name": env.str("Q_CLUSTER_NAME", default="ledger-bridge"),
    "workers": env.int("Q_WORKERS", default=1),
    "timeout": env.int("Q_TIMEOUT", default=300),
    "retry": env.int("Q_RETRY", default=360),
    "max_attempts": 1,
    "catch_up": False,
    "ack_failures": True,
    "save_limit": 1000,
    "label": "Task queue",
    "poll": 0.5,
}
# How many tasks an export run rings, one per worker that is to take part. 0: this machine's
# own workers; with clusters on several machines, the sum of their workers, or the others idle.
EXPORT_TASKS = env.int("EXPORT_TASKS", default=0)
if REDIS_URL:
    Q_CLUSTER["redis"] = REDIS_URL
else:
    Q_CLUSTER["orm"] = "default"
    # The ORM broker writes its cluster's statistics to a cache twice a second: kept in the
    # process, as before, rather than as SQLite writes competing with the exports'.
    Q_CLUSTER["cache"] = "process"
    CACHES["process"] = {"BACKEND": "django.core.cache.backends.locmem.LocMemCache"}

LOGGING = {
    "version": 1,
    "disable_existing_loggers": False,
    "formatters": {"plain": {"format": "%(asctime)s %(levelname)s %(name)s %(message)s"}},
    # Every record the console writes has its webhook secrets redacted (integration.logredact).
    "filters": {"redact": {"()": "integration.logredact.RedactWebhookSecrets"}},
    "handlers": {
        "console": {"class": "logging.StreamHandler", "formatter": "plain", "filters": ["redact"]}
    },
    "root": {"handlers": ["console"], "level": env.str("LOG_LEVEL", default="INFO")},
    "loggers": {"django.db.backends": {"level": "WARNING"}},
}

# Where e-conomic may be reached: a connection picks one of these and nothing else, so a
# mistyped or malicious URL can never receive an agreement's grant token. The app secret token
# belongs to the app (one per endpoint), the grant token to each connection.
ECONOMIC_ENDPOINTS = {
    "economic": {
        "label": "Visma e-conomic",
        "rest_url": "https://restapi.e-conomic.com",
        "openapi_url": "https://apis.e-conomic.com",
        "app_secret_token": env.str("ECONOMIC_APP_SECRET_TOKEN", default=""),
        # The installation page ("Connect with e-conomic"), with the app's public token.
        "install_url": "https://secure.e-conomic.com/secure/api1/requestaccess.aspx",
        "app_public_token": env.str("ECONOMIC_APP_PUBLIC_TOKEN", default=""),
    },
}
# The local sandbox is offered only where ECONOMIC_SANDBOX allows it: by default with DEBUG on
# (the demo), never in production unless stated.
ECONOMIC_SANDBOX = env.bool("ECONOMIC_SANDBOX", default=DEBUG)
if ECONOMIC_SANDBOX:
    ECONOMIC_ENDPOINTS["sandbox"] = {
        "label": "e-conomic sandbox (local)",
        "rest_url": env.str("SANDBOX_URL", default="http://127.0.0.1:8765"),
        "openapi_url": env.str("SANDBOX_URL", default="http://127.0.0.1:8765"),
        "app_secret_token": env.str("SANDBOX_APP_SECRET_TOKEN", default="sandbox-app-secret"),
        "install_url": env.str("SANDBOX_URL", default="http://127.0.0.1:8765")
        + "/secure/api1/requestaccess.aspx",
        "app_public_token": env.str("SANDBOX_APP_PUBLIC_TOKEN", default="sandbox-app-public"),
    }
# (connect, read) seconds for every call to e-conomic.
ECONOMIC_TIMEOUT = (
    env.float("ECONOMIC_CONNECT_TIMEOUT", default=5.0),
    env.float("ECONOMIC_READ_TIMEOUT", default=30.0),
)
# Whether calls to e-conomic go through the proxy the environment names (HTTPS_PROXY, NO_PROXY,
# REQUESTS_CA_BUNDLE), as requests does by default. Read once per host per worker process, not
# on every call; false: always straight to e-conomic, the environment never read for it.
ECONOMIC_PROXY_FROM_ENVIRONMENT = env.bool("ECONOMIC_PROXY_FROM_ENVIRONMENT", default=True)
# Our side of e-conomic's cost-based token bucket, shared by every worker (Redis or database).
# Costs: per call by method, heavier ones by path (e-conomic does not publish its own).
# e-conomic's bucket as its answers report it: 10,000 tokens per 60 seconds per agreement, shared
# by every app on it (economic-contract/ADDENDUM.md, "Rate-limit headers"); the use each answer
# reports keeps ours in step. Fair use is 50,000 calls per agreement per UTC day: above 90 % of
# it reads wait so that exports and payments go first; at 80 % the error address is told.
ECONOMIC_RATE_LIMIT = {
    "capacity": env.float("ECONOMIC_BUCKET_CAPACITY", default=10_000.0),
    "refill_per_second": env.float("ECONOMIC_BUCKET_REFILL", default=10_000.0 / 60),
    "daily_limit": env.int("ECONOMIC_DAILY_LIMIT", default=50_000),
    "read_share": 0.9,
    "warn_share": 0.8,
    # A worker waits at most this long for tokens; beyond it the job waits, not the worker.
    "longest_wait": 1.0,
    "read_cost": 1.0,
    "write_cost": 2.0,
    # The heavy calls: bulk vouchers, PDFs and file uploads (the sandbox charges them 5).
    "overrides": [
        ("POST", "/vouchers", 5.0),
        ("GET", "/pdf", 5.0),
        ("POST", "/attachment/file", 5.0),
        ("PATCH", "/attachment/file", 5.0),
    ],
}
# When the daily payment import runs (cron, in TIME_ZONE); see integration/services/payments.
ECONOMIC_PAYMENTS = {"cron": env.str("ECONOMIC_PAYMENTS_CRON", default="0 9 * * *")}
# When the daily reconciliation runs (cron, in TIME_ZONE): after the payment import, so the
# remainders it compares are the ones that import just brought in.
ECONOMIC_RECONCILE_CRON = env.str("ECONOMIC_RECONCILE_CRON", default="30 9 * * *")
# The seller named on invoice PDFs, and e-conomic's limit for one attachment (9.0 MB).
LEDGER_SELLER_NAME = env.str("LEDGER_SELLER_NAME", default="")
# What else a Danish invoice states about the seller: address, CVR, how to pay.
LEDGER_SELLER_ADDRESS = env.str("LEDGER_SELLER_ADDRESS", default="")
LEDGER_SELLER_CVR = env.str("LEDGER_SELLER_CVR", default="")
LEDGER_SELLER_BANK_REG = env.str("LEDGER_SELLER_BANK_REG", default="")
LEDGER_SELLER_BANK_ACCOUNT = env.str("LEDGER_SELLER_BANK_ACCOUNT", default="")
LEDGER_SELLER_IBAN = env.str("LEDGER_SELLER_IBAN", default="")
LEDGER_SELLER_BIC = env.str("LEDGER_SELLER_BIC", default="")
# The currency the ledger's exchange rates are in: an invoice's rate is this currency for one
# unit of the invoice's.
LEDGER_BASE_CURRENCY = env.str("LEDGER_BASE_CURRENCY", default="DKK")
# How the ledger rounds a new invoice's VAT: "line" (each line's, summed) or "document" (once
# per rate on the summed nets), the way the agreement's e-conomic does (the setup check says).
LEDGER_VAT_ROUNDING = env.str("LEDGER_VAT_ROUNDING", default="line")
ECONOMIC_ATTACHMENT_LIMIT = 9 * 1024 * 1024
# Where `manage.py demo_admin` keeps the demo's password (DEMO_ADMIN_PASSWORD) when the
# environment has none yet.
DEMO_ENV_FILE = BASE_DIR / ".env"
# The sandbox agreement the demo connects to (`manage.py demo_connect`).
SANDBOX_DEMO_GRANT_TOKEN = env.str("SANDBOX_DEMO_GRANT_TOKEN", default="sandbox-grant-1")

