"""Settings for the test suite: the production settings, minus what needs a TLS front end, with a
fixed encryption key and a fast password hasher. The test database is a file (not SQLite's
in-memory default) so that a real django-q2 cluster in another process sees the same rows."""

import os

os.environ.setdefault("SECURE_SSL_REDIRECT", "false")
os.environ.setdefault("SESSION_COOKIE_SECURE", "false")
os.environ.setdefault("CSRF_COOKIE_SECURE", "false")
# The tests cross real HTTP to the local sandbox.
os.environ.setdefault("ECONOMIC_SANDBOX", "true")
# A Fernet key used only by the test suite.
os.environ.setdefault("FIELD_ENCRYPTION_KEYS", "x5bBfJmUf0JEoY3nLVvB1lZ2q7D1QkxjKQbTTGmQY_8=")

from config.settings import *  # noqa: E402,F403
from config.settings import BASE_DIR, DATABASES  # noqa: E402

# The tests read English unless a test asks for Danish (Accept-Language or override).
LANGUAGE_CODE = "en"
PASSWORD_HASHERS = ["django.contrib.auth.hashers.MD5PasswordHasher"]
if DATABASES["default"]["ENGINE"] == "django.db.backends.sqlite3":
    # TEST_DB_NAME lets two suites run side by side on one checkout without sharing a file.
    DATABASES["default"]["TEST"] = {
        "NAME": os.environ.get("TEST_DB_NAME") or str(BASE_DIR / "test_db.sqlite3")
    }
if DATABASES["default"]["ENGINE"] == "django.db.backends.postgresql":
    # The test database is thrown away: a commit need not wait for the disk. Migrations, the
    # transactional tests' commits and the real cluster's writes are what this speeds up.
    DATABASES["default"].setdefault("OPTIONS", {})["options"] = "-c synchronous_commit=off"
STORAGES["staticfiles"]["BACKEND"] = "django.contrib.staticfiles.storage.StaticFilesStorage"  # noqa: F405
EMAIL_BACKEND = "django.core.mail.backends.locmem.EmailBackend"
