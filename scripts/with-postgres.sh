#!/usr/bin/env bash
# Run a command with DATABASE_URL pointing at a PostgreSQL server:
#   1. DATABASE_URL already set to postgres://...  -> used as it is;
#   2. a server answering at 127.0.0.1:5432        -> postgres://postgres@127.0.0.1:5432/NAME;
#   3. otherwise a throw-away server is started from /usr/lib/postgresql/*/bin in a temporary
#      directory on a free port (trust authentication, fsync off) and removed afterwards.
# NAME is $TAWASUL_PG_DBNAME (default "tawasul"); pytest-django creates and drops test_NAME, so
# runs that must not meet (parallel CI runs) pass different names.
# TAWASUL_PG_TEMPORARY=1 skips the probe and always starts a temporary server.
#
# Usage: scripts/with-postgres.sh COMMAND [ARGS...]
set -euo pipefail

if [[ $# -eq 0 ]]; then
    echo "usage: $0 COMMAND [ARGS...]" >&2
    exit 2
fi

if [[ "${DATABASE_URL:-}" == postgres://* || "${DATABASE_URL:-}" == postgresql://* ]]; then
    echo "with-postgres: using DATABASE_URL from the environment" >&2
    exec "$@"
fi

DBNAME="${TAWASUL_PG_DBNAME:-tawasul}"
PGBIN="$(ls -d /usr/lib/postgresql/*/bin 2>/dev/null | sort -V | tail -n 1 || true)"

pg_isready_cmd() {
    if command -v pg_isready >/dev/null; then
        pg_isready "$@"
    elif [[ -n "$PGBIN" ]]; then
        "$PGBIN/pg_isready" "$@"
    else
        return 1
    fi
}

if [[ "${TAWASUL_PG_TEMPORARY:-0}" != "1" ]] \
    && pg_isready_cmd -q -h 127.0.0.1 -p 5432 -t 3; then
    echo "with-postgres: PostgreSQL answers at 127.0.0.1:5432 (database $DBNAME)" >&2
    export DATABASE_URL="postgres://postgres@127.0.0.1:5432/$DBNAME"
    exec "$@"
fi

if [[ -z "$PGBIN" ]]; then
    echo "with-postgres: no PostgreSQL answers at 127.0.0.1:5432 and none is installed under" \
        "/usr/lib/postgresql/*/bin (Debian: apt-get install postgresql)" >&2
    exit 1
fi

# initdb and postgres refuse to run as root: run them as the `postgres` user when there is
# one, else as `nobody`; a normal user runs them as themselves.
as_owner=()
owner="$(id -un)"
if [[ "$(id -u)" == "0" ]]; then
    owner=nobody
    if id -u postgres >/dev/null 2>&1; then owner=postgres; fi
    as_owner=(runuser -u "$owner" --)
fi

DATADIR="$(mktemp -d "${TMPDIR:-/tmp}/tawasul-pg.XXXXXX")"
chmod 700 "$DATADIR"
if [[ "$(id -u)" == "0" ]]; then chown "$owner" "$DATADIR"; fi
PORT="$(python3 -c 'import socket; s = socket.socket(); s.bind(("127.0.0.1", 0)); print(s.getsockname()[1])')"
started=0

cleanup() {
    if [[ "$started" == "1" ]]; then
        "${as_owner[@]}" "$PGBIN/pg_ctl" -D "$DATADIR/data" stop -m fast -s >/dev/null 2>&1 || true
    fi
    rm -rf "$DATADIR"
}
trap cleanup EXIT
trap 'exit 130' INT
trap 'exit 143' TERM

echo "with-postgres: no server at 127.0.0.1:5432; starting a temporary one from $PGBIN" \
    "on port $PORT (as $owner, in $DATADIR)" >&2
"${as_owner[@]}" "$PGBIN/initdb" -D "$DATADIR/data" -U postgres --auth=trust \
    --encoding=UTF8 --locale=C.UTF-8 >"$DATADIR/initdb.log" 2>&1 \
    || { cat "$DATADIR/initdb.log" >&2; exit 1; }
started=1
"${as_owner[@]}" "$PGBIN/pg_ctl" -D "$DATADIR/data" -l "$DATADIR/server.log" -w -t 60 -s \
    -o "-c listen_addresses=127.0.0.1 -p $PORT -k $DATADIR -c fsync=off -c synchronous_commit=off -c full_page_writes=off" \
    start || { cat "$DATADIR/server.log" >&2; exit 1; }

export DATABASE_URL="postgres://postgres@127.0.0.1:$PORT/$DBNAME"
set +e
"$@"
rc=$?
set -e
exit "$rc"
