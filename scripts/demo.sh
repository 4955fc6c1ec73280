#!/usr/bin/env bash
# Runs the product for a demo: the web server in the foreground, the django-q2 worker beside it.
# Ctrl-C stops all of them.
set -euo pipefail
pids=()
cleanup() { for pid in "${pids[@]}"; do kill "$pid" 2>/dev/null || true; done; wait 2>/dev/null || true; }
trap cleanup EXIT INT TERM

"$BIN/python" manage.py demo_admin
"$BIN/python" manage.py qcluster &
pids+=($!)
echo "Ledger Bridge: http://$HOST:$PORT/admin/  (Ctrl-C stops it)"
"$BIN/python" manage.py runserver "$HOST:$PORT" --noreload
