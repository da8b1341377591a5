#!/usr/bin/env bash
# A throw-away PostgreSQL for the test suite (tooling.md §2 A): initdb into /tmp as the
# postgres user, listen on 127.0.0.1 only, print the URL for TEST_DATABASE_URL.
#
#   export TEST_DATABASE_URL=$(scripts/pg-test-server.sh start)
#   .venv-gw/bin/python -m pytest tests/channels
#   scripts/pg-test-server.sh stop
#
# `pause` stops the server but keeps its data, `resume` starts it again on the same port
# (the fault tests make the database unavailable for a while).
#
# PGPORT (default 54329) and PG_STATE_FILE (default /tmp/pg-test-server.state) can be set.
set -euo pipefail

PGPORT="${PGPORT:-54329}"
STATE="${PG_STATE_FILE:-/tmp/pg-test-server.state}"
DB_USER=app
DB_NAME=appdb

pgbin() { ls -d /usr/lib/postgresql/*/bin | sort -V | tail -1; }

start() {
  if [[ -f "$STATE" ]]; then
    echo "already running (state file $STATE); run '$0 stop' first" >&2
    exit 1
  fi
  local bin data password
  bin=$(pgbin)
  data=$(mktemp -d /tmp/pgci.XXXXXX)
  chown postgres:postgres "$data"
  password=$(head -c 18 /dev/urandom | base64 | tr -dc 'A-Za-z0-9')
  install -o postgres -m 600 /dev/null "$data.pw"
  head -c 24 /dev/urandom | base64 | tr -dc 'A-Za-z0-9' > "$data.pw"
  runuser -u postgres -- "$bin/initdb" -D "$data" -U postgres --pwfile="$data.pw" \
    --auth-local=trust --auth-host=scram-sha-256 -E UTF8 --locale=C.UTF-8 >/dev/null
  rm -f "$data.pw"
  runuser -u postgres -- "$bin/pg_ctl" -D "$data" -l "$data/server.log" -w -t 30 \
    -o "-c listen_addresses=127.0.0.1 -p $PGPORT -k $data -c fsync=off" start >/dev/null
  runuser -u postgres -- psql -h "$data" -p "$PGPORT" -U postgres -v ON_ERROR_STOP=1 -qAt \
    -c "CREATE ROLE $DB_USER LOGIN PASSWORD '$password'" -c "CREATE DATABASE $DB_NAME OWNER $DB_USER" >/dev/null
  printf '%s\n' "$data" > "$STATE"
  echo "postgresql://$DB_USER:$password@127.0.0.1:$PGPORT/$DB_NAME"
}

stop() {
  if [[ ! -f "$STATE" ]]; then
    echo "not running (no state file $STATE)" >&2
    exit 0
  fi
  local data
  data=$(cat "$STATE")
  runuser -u postgres -- "$(pgbin)/pg_ctl" -D "$data" -m fast -w stop >/dev/null || true
  rm -rf "$data" "$STATE"
}

pause() {
  [[ -f "$STATE" ]] || { echo "not running (no state file $STATE)" >&2; exit 1; }
  runuser -u postgres -- "$(pgbin)/pg_ctl" -D "$(cat "$STATE")" -m fast -w stop >/dev/null
}

resume() {
  [[ -f "$STATE" ]] || { echo "not running (no state file $STATE)" >&2; exit 1; }
  local data
  data=$(cat "$STATE")
  runuser -u postgres -- "$(pgbin)/pg_ctl" -D "$data" -l "$data/server.log" -w -t 30 \
    -o "-c listen_addresses=127.0.0.1 -p $PGPORT -k $data -c fsync=off" start >/dev/null
}

case "${1:-}" in
  start) start ;;
  stop) stop ;;
  pause) pause ;;
  resume) resume ;;
  *) echo "usage: $0 start|stop|pause|resume" >&2; exit 2 ;;
esac
