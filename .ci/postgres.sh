#!/usr/bin/env bash
# Start a throwaway PostgreSQL for the test suite and print its URL on stdout.
# Installs the server from the system packages when it is missing. The server runs as the
# `postgres` system user in a fresh data directory on a free local port, trusting local
# connections only; it stops when `.ci/run` ends (see the trap there).
set -euo pipefail

PGBIN=""
find_bin() {
    for dir in /usr/lib/postgresql/*/bin; do
        if [ -x "$dir/initdb" ]; then PGBIN="$dir"; fi
    done
}
find_bin
if [ -z "$PGBIN" ]; then
    echo "installing PostgreSQL from the system packages..." >&2
    export DEBIAN_FRONTEND=noninteractive
    apt-get update -qq >&2
    apt-get install -y -qq postgresql >&2
    find_bin
fi
[ -n "$PGBIN" ] || { echo "PostgreSQL could not be installed" >&2; exit 1; }

DATA="$(mktemp -d /tmp/shequn-pg.XXXXXX)"
chown postgres: "$DATA"
PORT="$(python3 -c 'import socket; s=socket.socket(); s.bind(("127.0.0.1", 0)); print(s.getsockname()[1])')"
run_pg() { runuser -u postgres -- "$@"; }
run_pg "$PGBIN/initdb" -D "$DATA/data" -A trust -U postgres -E UTF8 --locale=C.UTF-8 >/dev/null
run_pg "$PGBIN/pg_ctl" -D "$DATA/data" -l "$DATA/log" -w \
    -o "-c listen_addresses=127.0.0.1 -p $PORT -k $DATA -c fsync=off -c max_connections=200" start >/dev/null
echo "$DATA" > "$DATA/path"
echo "postgresql+asyncpg://postgres@127.0.0.1:$PORT/postgres $DATA $PGBIN"
