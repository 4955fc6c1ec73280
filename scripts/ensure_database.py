"""Create the PostgreSQL database named in DATABASE_URL (or .env) when it does not exist yet,
so `make run` works against a fresh server. Exits non-zero with the reason when PostgreSQL does
not answer or the URL is not PostgreSQL."""

import os
import sys
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parents[1]))
os.environ.setdefault("DJANGO_SETTINGS_MODULE", "config.settings")

import django  # noqa: E402

django.setup()

import psycopg  # noqa: E402
from django.conf import settings  # noqa: E402
from psycopg import sql  # noqa: E402


def main() -> int:
    database = settings.DATABASES["default"]
    if database["ENGINE"] != "django.db.backends.postgresql":
        print("DATABASE_URL is not PostgreSQL: the production set-up needs it "
              "(e.g. postgres://postgres@127.0.0.1:5432/ledger_bridge).", file=sys.stderr)
        return 1
    name = database["NAME"]
    # The server's own maintenance database, with the same credentials.
    server = {"dbname": "postgres", "user": database["USER"] or None,
              "password": database["PASSWORD"] or None, "host": database["HOST"] or None,
              "port": database["PORT"] or None, "connect_timeout": 5}
    try:
        with psycopg.connect(**server, autocommit=True) as maintenance:
            found = maintenance.execute("SELECT 1 FROM pg_database WHERE datname = %s", [name])
            if found.fetchone():
                print(f"PostgreSQL database {name} is there.")
                return 0
            # CREATE DATABASE cannot run in a transaction block, hence autocommit.
            maintenance.execute(sql.SQL("CREATE DATABASE {}").format(sql.Identifier(name)))
    except psycopg.OperationalError as error:
        print(f"PostgreSQL at {database['HOST']}:{database['PORT']} does not answer: {error}",
              file=sys.stderr)
        return 1
    print(f"Created PostgreSQL database {name}.")
    return 0


if __name__ == "__main__":
    sys.exit(main())
