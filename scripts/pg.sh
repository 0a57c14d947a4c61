#!/usr/bin/env bash
# The project's own PostgreSQL/PostGIS cluster under var/pg, on its own port and socket.
# Usage: scripts/pg.sh start|stop|status|url
# As root, the server runs as the unprivileged system user "postgres" (initdb refuses root).
set -euo pipefail
ROOT=$(cd "$(dirname "$0")/.." && pwd)
PGPORT=${XENAGOS_PGPORT:-54329}
DBNAME=xenagos
DBUSER=xenagos
STATE=$ROOT/var/pg            # data/, run/ (socket), server.log, password

pg_bin() {
  local major
  for major in $(ls /usr/lib/postgresql 2>/dev/null | sort -rn); do
    if [ -f "/usr/share/postgresql/$major/extension/postgis.control" ]; then echo "/usr/lib/postgresql/$major/bin"; return; fi
  done
  echo "No PostgreSQL with PostGIS found under /usr/lib/postgresql (run scripts/system-deps.sh)." >&2
  exit 1
}
BIN=$(pg_bin)

as_server() {  # run a command as the user that owns the cluster (from /, which that user can always enter)
  if [ "$(id -u)" -eq 0 ]; then (cd / && runuser -u postgres -- "$@"); else "$@"; fi
}

prepare_state() {
  mkdir -p "$ROOT/var"
  if [ "$(id -u)" -eq 0 ] && [ ! -e "$STATE" ]; then
    # The server user must reach the cluster; when the checkout sits in a private folder (e.g. /root),
    # keep the cluster in /var/lib/xenagos and link it from var/pg.
    if runuser -u postgres -- test -x "$ROOT/var"; then
      mkdir -p "$STATE"
    else
      local elsewhere
      elsewhere=/var/lib/xenagos/$(printf '%s' "$ROOT" | sha1sum | cut -c1-12)
      mkdir -p "$elsewhere"
      ln -s "$elsewhere" "$STATE"
    fi
    chown postgres:postgres "$(readlink -f "$STATE")"
  fi
  mkdir -p "$STATE"
  STATE=$(readlink -f "$STATE")  # the server user may reach the cluster only by its real path
}

resolve_state() { [ -e "$STATE" ] && STATE=$(readlink -f "$STATE"); return 0; }

running() { as_server "$BIN/pg_ctl" -D "$STATE/data" status >/dev/null 2>&1; }

start() {
  prepare_state
  if [ ! -f "$STATE/data/PG_VERSION" ]; then
    echo "==> creating the project's PostgreSQL cluster in var/pg (port $PGPORT)"
    umask 077
    head -c 24 /dev/urandom | base64 | tr -d '/+=' > "$STATE/password"
    [ "$(id -u)" -eq 0 ] && chown postgres:postgres "$STATE/password"
    as_server "$BIN/initdb" -D "$STATE/data" -U "$DBUSER" --pwfile="$STATE/password" \
      --auth-local=scram-sha-256 --auth-host=scram-sha-256 -E UTF8 --locale=C.UTF-8 >"$STATE/initdb.log"
    umask 022
  fi
  if ! running; then
    if (exec 3<>"/dev/tcp/127.0.0.1/$PGPORT") 2>/dev/null; then
      echo "Port $PGPORT is already in use by another program; set XENAGOS_PGPORT to a free port." >&2; exit 1
    fi
    mkdir -p "$STATE/run"; [ "$(id -u)" -eq 0 ] && chown postgres:postgres "$STATE/run"
    as_server "$BIN/pg_ctl" -D "$STATE/data" -l "$STATE/server.log" -w -t 60 \
      -o "-p $PGPORT -k $STATE/run -c listen_addresses=127.0.0.1" start >/dev/null \
      || { echo "PostgreSQL did not start; see var/pg/server.log:" >&2; tail -n 20 "$STATE/server.log" >&2; exit 1; }
  fi
  local password; password=$(cat "$STATE/password")
  if ! PGPASSWORD=$password "$BIN/psql" -h 127.0.0.1 -p "$PGPORT" -U "$DBUSER" -d postgres -tAc \
      "SELECT 1 FROM pg_database WHERE datname='$DBNAME'" | grep -q 1; then
    PGPASSWORD=$password "$BIN/createdb" -h 127.0.0.1 -p "$PGPORT" -U "$DBUSER" "$DBNAME"
  fi
}

stop() {
  resolve_state
  if [ -f "$STATE/data/PG_VERSION" ] && running; then
    as_server "$BIN/pg_ctl" -D "$STATE/data" -m fast -w stop >/dev/null && echo "==> PostgreSQL stopped"
  fi
}

url() { echo "postgres://$DBUSER:$(cat "$STATE/password")@127.0.0.1:$PGPORT/$DBNAME"; }

case "${1:-}" in
  start) start ;;
  stop) stop ;;
  status) resolve_state; running && echo running || { echo stopped; exit 3; } ;;
  url) url ;;
  *) echo "usage: $0 start|stop|status|url" >&2; exit 2 ;;
esac
