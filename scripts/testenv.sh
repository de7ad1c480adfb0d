#!/usr/bin/env bash
# Run a command with the throwaway services the test suite needs, then tear
# them down and exit with the command's exit code.
#
#   scripts/testenv.sh CMD [ARGS...]
#
# Services (one start_*/stop_* pair each):
#   postgres  started unless DATABASE_URL is already set; exports
#             DATABASE_URL=postgres://postgres@127.0.0.1:PORT/postgres
#
# Redis is not started here: the tests that need it (tests/jobs) start their own throwaway
# redis-server on a free port in a temporary folder, because they stop and restart it.
# This script only makes sure Debian's redis-server is installed (ensure_redis).
#
# Tools (ensure_* each; nothing to start or stop, the binary just has to be there):
#   chromium  Debian's `chromium`, for the browser tests (tests/browser), unless a
#             `chromium` is already on PATH
#   npm       Debian's `nodejs npm`, for axe-core (`npm ci` in the Makefile), unless
#             `npm` is already on PATH
#   redis     Debian's `redis-server`, for the Celery and cache tests, unless
#             `redis-server` is already on PATH
#   TESTENV_TOOLS  more Debian packages to install when their command is missing, e.g.
#             "wrk" for make bench-scale (each package's command has its name)
#
# PG_SERVER_OPTS adds server settings (e.g. "-c shared_buffers=1GB") to the cluster.
# A tool that cannot be installed is only a warning here: the browser tests then
# skip, or fail when CI is set.
#
# If every service is already provided through its env var, CMD is exec'd
# directly. Otherwise the services live in a temporary folder that is removed,
# together with the servers, on exit, failure, Ctrl-C or TERM.
#
# Works as root (servers run as the `postgres` system user, which PostgreSQL
# requires) and as a normal user (servers run as that user). Missing server
# binaries are installed with apt-get (through sudo when not root).
set -euo pipefail

log() { printf 'testenv: %s\n' "$*" >&2; }
die() { log "error: $*"; exit 1; }

if [ $# -eq 0 ]; then
  echo "usage: $0 CMD [ARGS...]" >&2
  exit 2
fi

is_root() { [ "$(id -u)" -eq 0 ]; }

# Run a command as root: directly when root, else through sudo.
as_root() {
  if is_root; then
    "$@"
  elif command -v sudo >/dev/null 2>&1; then
    sudo "$@"
  else
    die "need root (and no sudo) to run: $*"
  fi
}

APT_UPDATED=0
apt_install() {
  command -v apt-get >/dev/null 2>&1 || die "apt-get not found; install $* by hand"
  if [ "$APT_UPDATED" -eq 0 ]; then
    log "apt-get update"
    as_root env DEBIAN_FRONTEND=noninteractive apt-get update -q >&2
    APT_UPDATED=1
  fi
  log "apt-get install $*"
  as_root env DEBIAN_FRONTEND=noninteractive \
    apt-get install -y -q --no-install-recommends "$@" >&2
}

# Print a TCP port that is free on 127.0.0.1 right now.
free_port() {
  local py
  for py in python3 python python3.11; do
    if command -v "$py" >/dev/null 2>&1; then
      "$py" - <<'EOF' && return 0
import socket
s = socket.socket()
s.bind(("127.0.0.1", 0))
print(s.getsockname()[1])
s.close()
EOF
    fi
  done
  # No python: probe random high ports for one nobody listens on.
  local port i
  for i in $(seq 1 50); do
    port=$((20000 + RANDOM % 40000))
    if ! (exec 3<>"/dev/tcp/127.0.0.1/$port") 2>/dev/null; then
      echo "$port"
      return 0
    fi
  done
  die "could not find a free TCP port"
}

# --- temporary folder and teardown ----------------------------------------

TESTENV_DIR=""
STOP_FUNCS=()

cleanup() {
  local rc=$?
  trap - EXIT INT TERM
  local i
  for ((i = ${#STOP_FUNCS[@]} - 1; i >= 0; i--)); do
    "${STOP_FUNCS[$i]}" || log "warning: ${STOP_FUNCS[$i]} failed"
  done
  if [ -n "$TESTENV_DIR" ] && [ -d "$TESTENV_DIR" ]; then
    rm -rf "$TESTENV_DIR"
  fi
  exit "$rc"
}

make_testenv_dir() {
  [ -n "$TESTENV_DIR" ] && return 0
  TESTENV_DIR="$(mktemp -d "${TMPDIR:-/tmp}/testenv.XXXXXXXX")"
  # Short path on purpose: unix socket paths are limited to ~107 bytes.
}

# --- postgres ---------------------------------------------------------------

PG_BINDIR=""
PG_DIR=""

find_pg_bindir() {
  local d best=""
  # Newest Debian-style /usr/lib/postgresql/N/bin that has a server.
  for d in $(ls -d /usr/lib/postgresql/*/bin 2>/dev/null | sort -t/ -k5,5n); do
    [ -x "$d/initdb" ] && [ -x "$d/pg_ctl" ] && best="$d"
  done
  if [ -z "$best" ] && command -v pg_config >/dev/null 2>&1; then
    d="$(pg_config --bindir 2>/dev/null || true)"
    [ -n "$d" ] && [ -x "$d/initdb" ] && [ -x "$d/pg_ctl" ] && best="$d"
  fi
  if [ -z "$best" ] && command -v initdb >/dev/null 2>&1 && command -v pg_ctl >/dev/null 2>&1; then
    best="$(dirname "$(command -v initdb)")"
  fi
  [ -n "$best" ] || return 1
  PG_BINDIR="$best"
}

# Run a PostgreSQL binary as the user that owns the cluster.
pg_run() {
  if is_root; then
    (cd "$PG_DIR" && runuser -u postgres -- "$@")
  else
    "$@"
  fi
}

start_postgres() {
  if ! find_pg_bindir; then
    log "no PostgreSQL server binaries found; installing Debian's postgresql"
    apt_install postgresql
    find_pg_bindir || die "PostgreSQL server binaries still not found after install"
  fi
  if is_root && ! id -u postgres >/dev/null 2>&1; then
    die "running as root but there is no 'postgres' system user to run the server"
  fi

  make_testenv_dir
  PG_DIR="$TESTENV_DIR/pg"
  mkdir -p "$PG_DIR"
  if is_root; then
    # mktemp -d is 0700 root: let the postgres user in.
    chown postgres: "$TESTENV_DIR" "$PG_DIR"
    runuser -u postgres -- test -w "$PG_DIR" ||
      die "the postgres user cannot reach $PG_DIR (is ${TMPDIR:-/tmp} traversable?)"
  fi
  STOP_FUNCS+=(stop_postgres)

  if ! pg_run "$PG_BINDIR/initdb" -D "$PG_DIR/data" -A trust -U postgres \
      --no-sync -E UTF8 --locale=C >"$TESTENV_DIR/initdb.log" 2>&1; then
    cat "$TESTENV_DIR/initdb.log" >&2
    die "initdb failed"
  fi

  local port attempt
  for attempt in 1 2 3; do
    port="$(free_port)"
    if pg_run "$PG_BINDIR/pg_ctl" -D "$PG_DIR/data" -l "$PG_DIR/server.log" -w -t 60 \
        -o "-c listen_addresses=127.0.0.1 -p $port -c unix_socket_directories='$PG_DIR' -c fsync=off -c synchronous_commit=off -c full_page_writes=off ${PG_SERVER_OPTS:-}" \
        start >/dev/null; then
      break
    fi
    log "postgres did not start on port $port (attempt $attempt)"
    tail -n 20 "$PG_DIR/server.log" >&2 || true
    [ "$attempt" -lt 3 ] || die "could not start postgres"
  done

  local i
  for i in $(seq 1 60); do
    if "$PG_BINDIR/pg_isready" -q -h 127.0.0.1 -p "$port" -U postgres; then
      export DATABASE_URL="postgres://postgres@127.0.0.1:$port/postgres"
      log "postgres ready: $DATABASE_URL"
      return 0
    fi
    sleep 0.5
  done
  tail -n 20 "$PG_DIR/server.log" >&2 || true
  die "postgres did not become ready on port $port"
}

stop_postgres() {
  [ -n "$PG_DIR" ] && [ -f "$PG_DIR/data/postmaster.pid" ] || return 0
  pg_run "$PG_BINDIR/pg_ctl" -D "$PG_DIR/data" -m immediate -w stop >/dev/null 2>&1
}

# --- tools -------------------------------------------------------------------

# apt_install, but a failure (no apt-get, no sudo, no network) is a warning.
try_apt_install() {
  if ! command -v apt-get >/dev/null 2>&1; then
    log "warning: apt-get not found; install $* by hand"
    return 1
  fi
  if ! is_root && ! command -v sudo >/dev/null 2>&1; then
    log "warning: not root and no sudo; install $* by hand"
    return 1
  fi
  # In a subshell: apt_install's die must not end this script.
  if ! (apt_install "$@"); then
    log "warning: could not install $*"
    return 1
  fi
  APT_UPDATED=1
}

ensure_chromium() {
  command -v chromium >/dev/null 2>&1 && return 0
  log "no chromium on PATH; installing Debian's chromium (for tests/browser)"
  try_apt_install chromium || return 0
  command -v chromium >/dev/null 2>&1 || log "warning: chromium still not on PATH after install"
}

ensure_npm() {
  command -v npm >/dev/null 2>&1 && return 0
  log "no npm on PATH; installing Debian's nodejs and npm (for axe-core)"
  try_apt_install nodejs npm || return 0
  command -v npm >/dev/null 2>&1 || log "warning: npm still not on PATH after install"
}

ensure_redis() {
  command -v redis-server >/dev/null 2>&1 && return 0
  log "no redis-server on PATH; installing Debian's redis-server (for tests/jobs)"
  try_apt_install redis-server || return 0
  # Debian's package starts a system-wide server; the tests use their own instances.
  if command -v systemctl >/dev/null 2>&1; then
    as_root systemctl disable --now redis-server >/dev/null 2>&1 || true
  fi
  command -v redis-server >/dev/null 2>&1 || log "warning: redis-server still not on PATH after install"
}

# --- main ---------------------------------------------------------------------

ensure_chromium
ensure_npm
ensure_redis
for tool in ${TESTENV_TOOLS:-}; do
  command -v "$tool" >/dev/null 2>&1 || try_apt_install "$tool" || true
done

SERVICES=()
[ -n "${DATABASE_URL:-}" ] || SERVICES+=(postgres)

if [ ${#SERVICES[@]} -eq 0 ]; then
  exec "$@"
fi

trap cleanup EXIT
trap 'exit 130' INT
trap 'exit 143' TERM

for svc in "${SERVICES[@]}"; do
  "start_$svc"
done

# Not exec: the EXIT trap must run after CMD to tear the services down.
rc=0
"$@" || rc=$?
exit "$rc"
