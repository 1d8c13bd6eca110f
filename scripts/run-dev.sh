#!/usr/bin/env bash
# `make run`, once the virtualenv is installed and the translations compiled: migrate, collect
# static files, load the demo data, then serve the site together with the background worker.
# Ctrl-C (or either process ending) stops both.
#
# Each server runs in its own process group (`set -m`), so that one signal reaches the whole
# tree: runserver's autoreloader keeps a child process that would otherwise outlive its parent
# and hold the port.
set -euo pipefail
cd "$(dirname "${BASH_SOURCE[0]}")/.."

PY=.venv/bin/python
ADDR="${ADDR:-127.0.0.1:8000}"
say() { printf '\n\033[1m==> %s\033[0m\n' "$*"; }

say "Applying database migrations (var/tawasul.sqlite3 unless DATABASE_URL is set)"
$PY manage.py migrate --no-input
say "Collecting static files"
$PY manage.py collectstatic --no-input --verbosity 0
say "Loading the demo data (seed_demo)"
seed_args=()
if [[ -n "${DEMO_PASSWORD:-}" ]]; then seed_args=(--password "$DEMO_PASSWORD"); fi
logins="$($PY manage.py seed_demo "${seed_args[@]}")"

printf '\n%s\n\n' "$logins"
if [[ "${TAWASUL_DEMO_MODE:-}" == "true" ]]; then
    echo "Demo mode: the demo users may skip two-factor set-up (a banner on every page says so)."
fi
echo "Serving http://$ADDR/ with the background-task worker. Press Ctrl-C to stop both."

worker=""
web=""
stop() {
    trap - INT TERM EXIT
    for group in $web $worker; do kill -TERM -- "-$group" 2>/dev/null || true; done
    wait 2>/dev/null || true
}
trap 'stop; exit 130' INT
trap 'stop; exit 143' TERM
trap stop EXIT

set -m
$PY manage.py run_background &
worker=$!
$PY manage.py runserver "$ADDR" &
web=$!

# The first of the two to stop takes the other one with it.
set +e
wait -n
rc=$?
set -e
exit "$rc"
