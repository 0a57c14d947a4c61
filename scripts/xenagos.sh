#!/usr/bin/env bash
# Everything behind `make run`, `make test` and `make stop`. Idempotent: a second run skips what is done.
set -euo pipefail
ROOT=$(cd "$(dirname "$0")/.." && pwd)
cd "$ROOT"
VENV=$ROOT/.venv
PY=$VENV/bin/python
VAR=$ROOT/var
RUN=$VAR/run
LOG=$VAR/log
PORT=${PORT:-8000}
mkdir -p "$RUN" "$LOG" "$VAR/static"

say() { printf '==> %s\n' "$*"; }
stamp_ok() { [ -f "$1" ] && [ "$(cat "$1")" = "$2" ]; }
digest() { cat "$@" | sha256sum | cut -c1-16; }

ensure_system() { "$ROOT/scripts/system-deps.sh" "$1"; }

ensure_venv() {
  local want; want=$(digest pyproject.toml constraints.txt)
  stamp_ok "$VENV/.xenagos-stamp" "$want" && return
  local python=python3.11
  command -v "$python" >/dev/null || python=python3
  say "installing Python packages into .venv (pinned by constraints.txt)"
  [ -x "$PY" ] || "$python" -m venv "$VENV"
  "$PY" -m pip install -q --upgrade pip
  "$PY" -m pip install -q -c constraints.txt -e ".[dev]"
  echo "$want" > "$VENV/.xenagos-stamp"
}

ensure_assets() {
  local want; want=$(digest package.json package-lock.json)
  stamp_ok node_modules/.xenagos-stamp "$want" && return
  say "installing front-end assets from the npm registry (package-lock.json)"
  npm ci --no-audit --no-fund --loglevel=error
  echo "$want" > node_modules/.xenagos-stamp
}

ensure_env() {
  # Local secrets, made once; never committed. The environment wins over var/env.
  if [ ! -f "$VAR/secret_key" ]; then (umask 077; head -c 48 /dev/urandom | base64 | tr -d '\n' > "$VAR/secret_key"); fi
  export SECRET_KEY=${SECRET_KEY:-$(cat "$VAR/secret_key")}
  if [ -z "${DATABASE_URL:-}" ]; then
    "$ROOT/scripts/pg.sh" start
    DATABASE_URL=$("$ROOT/scripts/pg.sh" url)
    export DATABASE_URL
  fi
  export PYTHONUNBUFFERED=1
}

setup() {
  ensure_system "$1"
  ensure_venv
  ensure_assets
  ensure_env
  "$PY" manage.py compilemessages -v 0 -i .venv -i node_modules -i var
}

alive() { [ -f "$1" ] && kill -0 "$(cat "$1")" 2>/dev/null; }

port_busy() { (exec 3<>"/dev/tcp/127.0.0.1/$1") 2>/dev/null; }

print_welcome() {
  cat <<MSG

Xenagos is running (logs in var/log/, stop with: make stop)
  Athens   (el)  http://athens.localhost:$PORT/el/     (en) http://athens.localhost:$PORT/en/
  Nafplio  (el)  http://nafplio.localhost:$PORT/el/    (en) http://nafplio.localhost:$PORT/en/
  Map            http://athens.localhost:$PORT/el/map/
  Admin          http://127.0.0.1:$PORT/admin/
  Health         http://127.0.0.1:$PORT/healthz
Demo logins (demo only):
MSG
  "$PY" manage.py shell --no-imports -c "from xenagos.demo import demo_logins
for user, password, role in demo_logins(): print(f'  {user} / {password}  ({role})')"
}

cmd_run() {
  setup run
  export DJANGO_SETTINGS_MODULE=${DJANGO_SETTINGS_MODULE:-xenagos.settings.base}
  if alive "$RUN/server.pid"; then
    say "already running"
    print_welcome
    return
  fi
  if port_busy "$PORT"; then
    echo "Port $PORT is already in use by another program. Stop it, or choose another port: make run PORT=8080" >&2
    exit 1
  fi
  "$PY" manage.py check --database default
  "$PY" manage.py migrate --noinput -v 0
  "$PY" manage.py collectstatic --noinput -v 0
  "$PY" manage.py load_demo --port "$PORT" -v 0 >/dev/null
  say "starting the background worker and the web server on port $PORT"
  setsid "$PY" manage.py db_worker >>"$LOG/worker.log" 2>&1 < /dev/null &
  echo $! > "$RUN/worker.pid"
  setsid "$VENV/bin/gunicorn" -c python:xenagos.gunicorn_conf xenagos.wsgi --bind "127.0.0.1:$PORT" --workers 2 --threads 4 \
    --access-logfile "$LOG/access.log" --error-logfile "$LOG/server.log" >>"$LOG/server.log" 2>&1 < /dev/null &
  echo $! > "$RUN/server.pid"
  for _ in $(seq 1 60); do
    if curl -fsS "http://127.0.0.1:$PORT/healthz" >/dev/null 2>&1; then print_welcome; return; fi
    alive "$RUN/server.pid" || break
    sleep 0.5
  done
  echo "The web server did not come up; see var/log/server.log:" >&2
  tail -n 30 "$LOG/server.log" >&2
  exit 1
}

cmd_stop() {
  local name
  for name in server worker; do
    if alive "$RUN/$name.pid"; then
      kill -TERM -- "-$(cat "$RUN/$name.pid")" 2>/dev/null || kill -TERM "$(cat "$RUN/$name.pid")"
      say "stopped the $name"
    fi
    rm -f "$RUN/$name.pid"
  done
  "$ROOT/scripts/pg.sh" stop
}

cmd_test() {
  setup test
  export DJANGO_SETTINGS_MODULE=xenagos.settings.test
  "$PY" manage.py check --database default
  say "pytest"
  "$VENV/bin/pytest" "$@"
}

case "${1:-}" in
  run) cmd_run ;;
  stop) cmd_stop ;;
  test) shift; cmd_test "$@" ;;
  *) echo "usage: $0 run|stop|test" >&2; exit 2 ;;
esac
