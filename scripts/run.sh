#!/usr/bin/env bash
# Runs Ledger Bridge the production way: DEBUG off, PostgreSQL (DATABASE_URL) and Redis
# (REDIS_URL, the django-q2 broker and the shared e-conomic token bucket), gunicorn for the web
# with WhiteNoise serving the collected static files, and one django-q2 cluster of WORKERS
# worker processes. TLS is terminated in front of gunicorn by a reverse proxy that sets
# X-Forwarded-Proto; TLS=off runs without one (plain HTTP, for a look on this machine).
# Ctrl-C stops everything.
set -euo pipefail
cd "$(dirname "$0")/.."
BIN="${BIN:-.venv/bin}"
HOST="${HOST:-127.0.0.1}"
PORT="${PORT:-8000}"
WORKERS="${WORKERS:-2}"
WEB_WORKERS="${WEB_WORKERS:-2}"
TLS="${TLS:-on}"

# A value from the environment, else from .env, else the default: the production URLs must not
# fall back to the settings' embedded SQLite and ORM broker.
setting() {
  local name="$1" default="$2" line
  if [ -n "${!name:-}" ]; then echo "${!name}"; return; fi
  line="$(grep -E "^${name}=" .env 2>/dev/null | tail -n 1 || true)"
  if [ -n "$line" ]; then echo "${line#*=}"; else echo "$default"; fi
}

export DJANGO_SETTINGS_MODULE=config.settings
# Stated here, not taken from .env: the development .env turns DEBUG and the TLS settings off.
export DEBUG=false
DATABASE_URL="$(setting DATABASE_URL postgres://postgres@127.0.0.1:5432/ledger_bridge)"
REDIS_URL="$(setting REDIS_URL redis://127.0.0.1:6379/0)"
export DATABASE_URL REDIS_URL
# The web process reads it too: an export run rings one task per worker.
export Q_WORKERS="$WORKERS"
if [ "$TLS" = "off" ]; then
  export SECURE_SSL_REDIRECT=false SESSION_COOKIE_SECURE=false CSRF_COOKIE_SECURE=false
  export SECURE_HSTS_SECONDS=0
  fail_level=ERROR  # check --deploy then warns about exactly these four
else
  export SECURE_SSL_REDIRECT=true SESSION_COOKIE_SECURE=true CSRF_COOKIE_SECURE=true
  export SECURE_HSTS_SECONDS="${SECURE_HSTS_SECONDS:-31536000}"
  fail_level=WARNING
fi

"$BIN/python" scripts/ensure_database.py
if ! "$BIN/python" -c "import redis, sys; redis.Redis.from_url(sys.argv[1]).ping()" "$REDIS_URL"; then
  echo "Redis at $REDIS_URL does not answer." >&2
  exit 1
fi
"$BIN/python" manage.py check --deploy --fail-level "$fail_level"
"$BIN/python" manage.py migrate --noinput
"$BIN/python" manage.py collectstatic --noinput --verbosity 0

pids=()
stop() {
  trap - INT TERM EXIT
  for pid in "${pids[@]}"; do kill -TERM "$pid" 2>/dev/null || true; done
  wait
}
trap stop INT TERM EXIT

"$BIN/python" manage.py qcluster &
pids+=($!)
# The access log, the trusted proxy and the control socket are in config/gunicorn.conf.py,
# whose logger writes every webhook secret in a URL as [secret].
"$BIN/gunicorn" config.wsgi:application --config config/gunicorn.conf.py \
  --bind "$HOST:$PORT" --workers "$WEB_WORKERS" &
pids+=($!)
echo "Ledger Bridge: http://$HOST:$PORT/admin/ behind TLS=$TLS, $WORKERS task workers," \
  "database ${DATABASE_URL##*/}, Redis ${REDIS_URL##*@}  (Ctrl-C stops it)"
# When either the cluster or gunicorn ends, stop the other too.
wait -n
