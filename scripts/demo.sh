#!/usr/bin/env bash
# Runs the product for a demo: the e-conomic sandbox and the django-q2 worker in the background,
# the web server in the foreground. Ctrl-C stops all of them.
set -euo pipefail
pids=()
cleanup() { for pid in "${pids[@]}"; do kill "$pid" 2>/dev/null || true; done; wait 2>/dev/null || true; }
trap cleanup EXIT INT TERM

SANDBOX_PORT="${SANDBOX_PORT:-8765}"
export SANDBOX_URL="${SANDBOX_URL:-http://127.0.0.1:$SANDBOX_PORT}"  # where the product looks
# manage.py run from another shell reads .env: it finds this sandbox there.
if grep -q '^SANDBOX_URL=' .env; then
  sed -i "s|^SANDBOX_URL=.*|SANDBOX_URL=$SANDBOX_URL|" .env
else
  echo "SANDBOX_URL=$SANDBOX_URL" >> .env
fi
export ECONOMIC_SANDBOX="${ECONOMIC_SANDBOX:-true}"  # the demo connects to the sandbox
mkdir -p .demo
sandbox_args=(--port "$SANDBOX_PORT" --state .demo/sandbox-state.json)
# SANDBOX_WEBHOOK_URL: e.g. "Day book booked=http://127.0.0.1:8000/...[DAYBOOKNO]" to get webhooks.
if [ -n "${SANDBOX_WEBHOOK_URL:-}" ]; then sandbox_args+=(--webhook-url "$SANDBOX_WEBHOOK_URL"); fi
"$BIN/python" -m economic_sandbox "${sandbox_args[@]}" > .demo/sandbox.log 2>&1 &
pids+=($!)
for _ in $(seq 1 50); do
  if "$BIN/python" -c "import urllib.request,sys; urllib.request.urlopen(sys.argv[1], timeout=1)" \
      "http://127.0.0.1:$SANDBOX_PORT/_sandbox/health" 2>/dev/null; then break; fi
  sleep 0.2
done

# The demo ledger's connection to the sandbox agreement, ready to export (see its setup check).
# Its webhooks point at this site, so a payment registered in the sandbox arrives in seconds.
"$BIN/python" manage.py demo_connect --site-url "http://$HOST:$PORT" || echo "The sandbox connection is not set up; see the message above."
"$BIN/python" manage.py qcluster &
pids+=($!)
echo "e-conomic sandbox: http://127.0.0.1:$SANDBOX_PORT  (state in .demo/sandbox-state.json, log in .demo/sandbox.log)"
echo "  X-AppSecretToken:      sandbox-app-secret"
echo "  X-AgreementGrantToken: sandbox-grant-1  (agreement 9000001, projects on)"
echo "                         sandbox-grant-2  (agreement 9000002, no projects module)"
echo "                         demo / demo      (agreement 1118081, read-only)"
# The login last, where it is seen: the same on every run (DEMO_ADMIN_PASSWORD in .env).
"$BIN/python" manage.py demo_admin
echo "Ledger Bridge: http://$HOST:$PORT/admin/  (Ctrl-C stops it)"
"$BIN/python" manage.py runserver "$HOST:$PORT" --noreload
