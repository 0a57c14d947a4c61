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

# The web server's command line; add options here (e.g. --config) rather than in start_server.
# Its control socket stays in this checkout (the default, ~/.gunicorn/gunicorn.ctl, is shared by every checkout).
GUNICORN_ARGS=(-c python:xenagos.gunicorn_conf xenagos.wsgi --bind "127.0.0.1:$PORT" --workers 2 --threads 4 --access-logfile - --error-logfile -
  --control-socket "$RUN/gunicorn.ctl")

# Each service runs under xenagos.logpipe (its output goes to size-rotated files in var/log) in a session of its own;
# the pid file holds that session leader, so `alive` is true exactly while the service runs.
start_worker() {
  setsid "$PY" -m xenagos.logpipe --stderr "$LOG/worker.log" -- "$PY" manage.py db_worker </dev/null >/dev/null 2>&1 &
  echo $! > "$RUN/worker.pid"
}

start_server() {
  setsid "$PY" -m xenagos.logpipe --stdout "$LOG/access.log" --stderr "$LOG/server.log" -- \
    "$VENV/bin/gunicorn" "${GUNICORN_ARGS[@]}" </dev/null >/dev/null 2>&1 &
  echo $! > "$RUN/server.pid"
}

# A service whose session leader died may leave processes in its session (gunicorn without its log pipe): end them.
end_leftovers() {
  local pgid
  [ -f "$RUN/$1.pid" ] || return 0
  pgid=$(cat "$RUN/$1.pid")
  kill -0 -- "-$pgid" 2>/dev/null || return 0
  say "ending what is left of the $1 (process group $pgid)"
  kill -TERM -- "-$pgid" 2>/dev/null || true
  for _ in $(seq 1 20); do kill -0 -- "-$pgid" 2>/dev/null || return 0; sleep 0.5; done
  kill -KILL -- "-$pgid" 2>/dev/null || true
}

wait_healthy() {
  for _ in $(seq 1 60); do
    if curl -fsS "http://127.0.0.1:$PORT/healthz" >/dev/null 2>&1; then return 0; fi
    alive "$RUN/server.pid" || break
    sleep 0.5
  done
  echo "The web server did not come up; see var/log/server.log:" >&2
  tail -n 30 "$LOG/server.log" >&2
  exit 1
}

report_health() {
  local health
  if alive "$RUN/server.pid"; then
    health=$(curl -sS --max-time 10 "http://127.0.0.1:$PORT/healthz" 2>&1 || true)
    say "web server: running (pid $(cat "$RUN/server.pid")), /healthz: $health"
  else
    say "web server: NOT running (see var/log/server.log)"
  fi
  if alive "$RUN/worker.pid"; then
    say "worker: running (pid $(cat "$RUN/worker.pid"))"
  else
    say "worker: NOT running (see var/log/worker.log)"
  fi
}

cmd_run() {
  setup run
  export DJANGO_SETTINGS_MODULE=${DJANGO_SETTINGS_MODULE:-xenagos.settings.base}
  local server_up=0 worker_up=0
  alive "$RUN/server.pid" && server_up=1
  alive "$RUN/worker.pid" && worker_up=1
  if [ "$server_up" = 1 ] && [ "$worker_up" = 1 ]; then
    say "already running"
  elif [ "$server_up" = 1 ] || [ "$worker_up" = 1 ]; then
    # One of the two died: restart it alone (the database is set up, the other keeps serving).
    if [ "$worker_up" = 0 ]; then
      say "the background worker had stopped: restarting it"
      end_leftovers worker
      start_worker
    fi
    if [ "$server_up" = 0 ]; then
      end_leftovers server
      if port_busy "$PORT"; then
        echo "The web server had stopped and port $PORT is now used by another program. Stop it, or: make stop; make run PORT=8080" >&2
        exit 1
      fi
      say "the web server had stopped: restarting it on port $PORT"
      start_server
    fi
    wait_healthy
  else
    end_leftovers server
    end_leftovers worker
    if port_busy "$PORT"; then
      echo "Port $PORT is already in use by another program. Stop it, or choose another port: make run PORT=8080" >&2
      exit 1
    fi
    "$PY" manage.py check --database default
    "$PY" manage.py migrate --noinput -v 0
    "$PY" manage.py collectstatic --noinput -v 0
    "$PY" manage.py load_demo --port "$PORT" -v 0 >/dev/null
    say "starting the background worker and the web server on port $PORT"
    start_worker
    start_server
    wait_healthy
  fi
  report_health
  print_welcome
}

cmd_stop() {
  local name pgid
  for name in server worker; do
    if alive "$RUN/$name.pid"; then
      # Signal the session leader (xenagos.logpipe) only: it passes SIGTERM on once, so the worker finishes its
      # task (a second SIGTERM would cut it short); whatever is left of the session after 30 s is killed.
      pgid=$(cat "$RUN/$name.pid")
      kill -TERM "$pgid" 2>/dev/null || true
      for _ in $(seq 1 60); do kill -0 -- "-$pgid" 2>/dev/null || break; sleep 0.5; done
      kill -KILL -- "-$pgid" 2>/dev/null || true
      say "stopped the $name"
    else
      end_leftovers "$name"
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
