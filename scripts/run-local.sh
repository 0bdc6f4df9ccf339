#!/usr/bin/env bash
# Runs the web server, one Celery worker and one Celery beat together; Ctrl-C stops all three.
set -euo pipefail
cd "$(dirname "$0")/.."
VENV=${VENV:-.venv}
# PORT picks the web server's port; SITE_URL (links in emails, printed by the worker) follows it
# unless it is set. Exported so the worker and beat render the same links.
export PORT="${PORT:-8000}"
export SITE_URL="${SITE_URL:-http://127.0.0.1:$PORT}"
mkdir -p var
# Camden's demo sign-in (`make oidc-provider`) and this server share a secret made here, never committed.
test -s var/oidc-demo-secret || head -c 24 /dev/urandom | base64 | tr -d '/+=' > var/oidc-demo-secret
export OIDC_SECRET_CAMDEN="${OIDC_SECRET_CAMDEN:-$(cat var/oidc-demo-secret)}"

pids=()
stop() {
  trap - INT TERM EXIT
  echo
  echo "Stopping web, worker and beat..."
  for pid in "${pids[@]}"; do kill -TERM "$pid" 2>/dev/null || true; done
  wait 2>/dev/null || true
  echo "Stopped."
}
trap stop INT TERM EXIT

"$VENV/bin/celery" -A lotibootcamp worker --loglevel INFO --concurrency 2 --hostname "worker@%h" &
pids+=($!)
"$VENV/bin/celery" -A lotibootcamp beat --loglevel INFO --schedule var/celerybeat-schedule &
pids+=($!)
"$VENV/bin/python" manage.py runserver "127.0.0.1:$PORT" --noreload &
pids+=($!)

cat <<MSG

  LOTI Data Science Bootcamp is running at http://127.0.0.1:$PORT
  Demo sign-ins (password: bootcamp-demo):
    staff@example.org     programme staff
    mentor@example.org    mentor
    officer@example.org   officer (Camden)
    officer2@example.org  officer (Lewisham)
  Camden's own sign-in: run \`make oidc-provider\` in a second terminal, then sign in as
    sso.officer@camden.example.org (login name at the test provider: sso.officer)
  Staff and mentors also need a code from an authenticator app:
  TOTP secret for the demo staff and mentor accounts: LOTIBOOTCAMPDEMOSECRETTOTP234567
    (add it to your app, or: $VENV/bin/python -c "import pyotp; print(pyotp.TOTP('LOTIBOOTCAMPDEMOSECRETTOTP234567').now())")
  Emails are printed by the worker. Press Ctrl-C to stop.
  Run the tests in a second terminal: make test

MSG
# Stop everything as soon as any one of the three exits.
wait -n "${pids[@]}"
