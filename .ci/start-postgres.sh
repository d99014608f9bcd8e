#!/usr/bin/env bash
# .ci/start-postgres.sh: start/stop a throwaway PostgreSQL 15 for tests.
#
# The server listens on 127.0.0.1 only (its Unix socket lives in its own temp
# dir), uses trust auth with superuser "postgres", and trades durability for
# speed (fsync/synchronous_commit/full_page_writes off). All of its state,
# including data, socket and log, is in one `mktemp -d /tmp/advocate-pg.XXXXXX` dir
# that stop removes.
#
# Two ways to use it:
#
#   1. Source it (CI does this, and so can you in an interactive shell):
#        source .ci/start-postgres.sh          # starts the server right away
#        psql "$PG_URL" -c 'select 1'
#        DATABASE_URL="$PG_URL" npm test
#        stop_postgres                          # stops the server, deletes the dir
#      Exports PG_URL (postgres://postgres@127.0.0.1:PORT/postgres), PG_PORT,
#      PG_DIR and PG_BIN, and defines start_postgres/stop_postgres. It does not
#      change your shell options or traps. Install your own trap if you want
#      cleanup on exit: trap stop_postgres EXIT
#      If the start fails, `source` returns non-zero and nothing is left behind.
#
#   2. Run it as a CLI:
#        eval "$(bash .ci/start-postgres.sh start)"   # prints export lines
#        ...
#        bash .ci/start-postgres.sh stop "$PG_DIR"    # or just `stop` if PG_DIR is exported
#
# Requirements: PostgreSQL 15 server binaries in /usr/lib/postgresql/15/bin
# (Debian/Ubuntu package postgresql-15). initdb/postgres refuse to run as root,
# so as root the server runs as the `postgres` system user (created if
# missing). As any other user it runs as that user.
#
# Optional knobs (defaults are fine; none are needed):
#   ADVOCATE_PG_BIN   server binaries dir  (default /usr/lib/postgresql/15/bin)
#   ADVOCATE_PG_PORT  preferred port       (default 54329; another free port is
#                                           used automatically if it is busy)
# Any libpq PG* variables in the environment are ignored.

# No `set -euo pipefail` at file level: when sourced, that would change the
# caller's shell. The functions check every step explicitly instead, and they
# also work in a shell that has `set -euo pipefail`.

_advpg_log() { printf '[start-postgres] %s\n' "$*" >&2; }

# Run a command with a clean environment (only PATH and a fixed locale), as
# the `postgres` user when we are root, otherwise as ourselves. Runs from `/`
# so a cwd that the postgres user can't read is not a problem.
_advpg_as_owner() {
  local -a envcmd=(env -i "PATH=${PATH:-/usr/local/bin:/usr/bin:/bin}" LANG=C LC_ALL=C)
  if [ "$(id -u)" -eq 0 ]; then
    if command -v runuser >/dev/null 2>&1; then
      (cd / && runuser -u postgres -- "${envcmd[@]}" "$@")
    else
      local cmd
      printf -v cmd '%q ' "${envcmd[@]}" "$@"
      (cd / && su -s /bin/sh postgres -c "$cmd")
    fi
  else
    (cd / && "${envcmd[@]}" "$@")
  fi
}

# True if something accepts TCP connections on 127.0.0.1:$1.
_advpg_port_busy() {
  (exec 3<>"/dev/tcp/127.0.0.1/$1") >/dev/null 2>&1
}

# True if process $1 exists and is not a zombie (a postmaster reparented to a
# PID 1 that doesn't reap children stays a zombie after it has exited).
_advpg_alive() {
  local st=""
  kill -0 "$1" 2>/dev/null || return 1
  if [ -r "/proc/$1/stat" ]; then
    st="$(sed -E 's/^.*\) ([A-Za-z]).*$/\1/' "/proc/$1/stat" 2>/dev/null || true)"
  elif command -v ps >/dev/null 2>&1; then
    st="$(ps -o stat= -p "$1" 2>/dev/null || true)"
  fi
  case "$st" in Z*) return 1 ;; esac
  return 0
}

# Remove leftovers of earlier runs that were killed before they could clean
# up: /tmp/advocate-pg.* dirs older than an hour whose postmaster is not
# running. Live servers (another run or a developer's session) are left alone.
_advpg_sweep_stale() {
  local d pid
  for d in /tmp/advocate-pg.*; do
    [ -d "$d" ] || continue
    [ -O "$d" ] || [ "$(id -u)" -eq 0 ] || continue
    [ -n "$(find "$d" -maxdepth 0 -mmin +60 2>/dev/null)" ] || continue
    pid=""
    if [ -f "$d/data/postmaster.pid" ]; then
      pid="$(head -n 1 "$d/data/postmaster.pid" 2>/dev/null || true)"
    fi
    if [ -n "$pid" ] && _advpg_alive "$pid"; then
      continue
    fi
    _advpg_log "removing stale $d"
    rm -rf -- "$d" 2>/dev/null || true
  done
}

# stop_postgres [DIR]: stop the server whose state lives in DIR (default
# $PG_DIR) and delete DIR. Safe to call more than once, or when nothing runs.
stop_postgres() {
  local dir="${1:-${PG_DIR:-}}"
  local bin="${PG_BIN:-${ADVOCATE_PG_BIN:-/usr/lib/postgresql/15/bin}}"
  local pid=""
  if [ -z "$dir" ]; then
    _advpg_log "stop: no server dir given and PG_DIR is unset; nothing to stop"
    return 0
  fi
  case "$dir" in
    /tmp/advocate-pg.*) ;;
    *) _advpg_log "stop: refusing to touch '$dir' (not an /tmp/advocate-pg.* dir)"; return 1 ;;
  esac
  if [ -f "$dir/data/postmaster.pid" ]; then
    pid="$(head -n 1 "$dir/data/postmaster.pid" 2>/dev/null || true)"
    _advpg_as_owner "$bin/pg_ctl" -D "$dir/data" -m fast -w -t 30 stop >/dev/null 2>&1 \
      || _advpg_as_owner "$bin/pg_ctl" -D "$dir/data" -m immediate -w -t 15 stop >/dev/null 2>&1 \
      || true
    if [ -n "$pid" ] && _advpg_alive "$pid"; then
      _advpg_log "postmaster $pid did not stop; sending SIGKILL"
      kill -KILL "$pid" 2>/dev/null || true
      sleep 1
    fi
  fi
  if [ -d "$dir" ]; then
    rm -rf -- "$dir" || { _advpg_log "stop: could not remove $dir"; return 1; }
  fi
  if [ "${PG_DIR:-}" = "$dir" ]; then
    unset PG_DIR PG_URL PG_PORT
  fi
  _advpg_log "stopped; removed $dir"
  return 0
}

# start_postgres: initdb + start in a fresh temp dir; exports PG_URL, PG_PORT,
# PG_DIR and PG_BIN on success. On failure it prints the server log, cleans up
# and returns non-zero.
start_postgres() {
  local bin="${ADVOCATE_PG_BIN:-/usr/lib/postgresql/15/bin}"
  local want="${ADVOCATE_PG_PORT:-54329}"
  local dir port i started=0
  local -a candidates

  local b
  for b in initdb pg_ctl postgres pg_isready; do
    if [ ! -x "$bin/$b" ]; then
      _advpg_log "missing $bin/$b: install PostgreSQL 15 (apt-get install -y postgresql-15)"
      return 1
    fi
  done

  if [ "$(id -u)" -eq 0 ] && ! id -u postgres >/dev/null 2>&1; then
    _advpg_log "creating system user 'postgres'"
    useradd --system --no-create-home --shell /usr/sbin/nologin postgres \
      || { _advpg_log "could not create user postgres"; return 1; }
  fi

  _advpg_sweep_stale

  dir="$(mktemp -d /tmp/advocate-pg.XXXXXX)" || { _advpg_log "mktemp failed"; return 1; }
  if [ "$(id -u)" -eq 0 ]; then
    chown postgres: "$dir" || { rm -rf -- "$dir"; return 1; }
  fi
  chmod 700 "$dir"

  if ! _advpg_as_owner "$bin/initdb" -D "$dir/data" -A trust -U postgres --no-sync \
        --encoding=UTF8 --locale=C >"$dir/initdb.log" 2>&1; then
    _advpg_log "initdb failed:"
    cat "$dir/initdb.log" >&2 || true
    rm -rf -- "$dir"
    return 1
  fi

  # Preferred port first, then a few others near it, then random high ports.
  candidates=("$want")
  for i in 1 2 3; do candidates+=($((want + i))); done
  for i in 1 2 3 4 5 6; do candidates+=($((20000 + RANDOM % 40000))); done

  for port in "${candidates[@]}"; do
    if _advpg_port_busy "$port"; then
      _advpg_log "port $port is busy, trying another"
      continue
    fi
    : >"$dir/postgres.log"
    [ "$(id -u)" -ne 0 ] || chown postgres: "$dir/postgres.log"
    if _advpg_as_owner "$bin/pg_ctl" -D "$dir/data" -l "$dir/postgres.log" -w -t 60 \
        -o "-p $port -k $dir -c listen_addresses=127.0.0.1 -c fsync=off -c synchronous_commit=off -c full_page_writes=off -c max_connections=200" \
        start >/dev/null 2>&1; then
      started=1
      break
    fi
    if grep -qiE 'could not bind|address already in use|could not create any TCP/IP sockets' "$dir/postgres.log" 2>/dev/null; then
      _advpg_log "port $port was taken while starting, trying another"
      # pg_ctl may have left a half-started postmaster behind; make sure it is gone.
      _advpg_as_owner "$bin/pg_ctl" -D "$dir/data" -m immediate -w -t 10 stop >/dev/null 2>&1 || true
      continue
    fi
    break # a failure unrelated to the port: retrying won't help
  done

  if [ "$started" -ne 1 ]; then
    _advpg_log "PostgreSQL failed to start; server log:"
    cat "$dir/postgres.log" >&2 2>/dev/null || true
    stop_postgres "$dir" >/dev/null 2>&1 || rm -rf -- "$dir"
    return 1
  fi

  # pg_ctl -w already waited; double-check over TCP the way clients connect.
  for i in $(seq 1 60); do
    if "$bin/pg_isready" -q -h 127.0.0.1 -p "$port" -U postgres -d postgres -t 2 </dev/null; then
      break
    fi
    if [ "$i" -eq 60 ]; then
      _advpg_log "pg_isready never succeeded on 127.0.0.1:$port; server log:"
      cat "$dir/postgres.log" >&2 2>/dev/null || true
      stop_postgres "$dir" >/dev/null 2>&1 || true
      return 1
    fi
    sleep 0.5
  done

  export PG_DIR="$dir"
  export PG_PORT="$port"
  export PG_BIN="$bin"
  export PG_URL="postgres://postgres@127.0.0.1:$port/postgres"
  _advpg_log "PostgreSQL $("$bin/postgres" --version | awk '{print $3}') ready at $PG_URL (dir $PG_DIR)"
  return 0
}

if [ "${BASH_SOURCE[0]}" != "$0" ]; then
  # Sourced: start immediately; `source` returns start_postgres's status.
  start_postgres
else
  # Executed as a CLI.
  set -euo pipefail
  case "${1:-}" in
    start)
      start_postgres
      printf 'export PG_DIR=%q PG_PORT=%q PG_BIN=%q PG_URL=%q\n' "$PG_DIR" "$PG_PORT" "$PG_BIN" "$PG_URL"
      ;;
    stop)
      stop_postgres "${2:-${PG_DIR:-}}"
      ;;
    *)
      echo "usage: $0 start            # prints export lines; use: eval \"\$($0 start)\"" >&2
      echo "       $0 stop [PG_DIR]" >&2
      exit 2
      ;;
  esac
fi
