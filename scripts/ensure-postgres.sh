#!/usr/bin/env bash
# Makes sure a PostgreSQL server answers for Kairos, and prints the DATABASE_URL to use.
#  - DATABASE_URL set: only checks that it answers.
#  - otherwise: uses the machine's PostgreSQL on 127.0.0.1:5432, starting the Debian cluster if it
#    is down (needs root), and creates the `kairos` role and database if they are missing.
# All diagnostics go to stderr; stdout carries only the URL, so callers can capture it.
set -euo pipefail

default_url="postgresql://kairos:kairos@127.0.0.1:5432/kairos"
url="${DATABASE_URL:-$default_url}"

as_postgres() {
  if [ "$(id -u)" = 0 ]; then runuser -u postgres -- "$@"; else sudo -n -u postgres "$@"; fi
}

if [ -n "${DATABASE_URL:-}" ]; then
  if ! pg_isready -q -d "$url" -t 10; then
    echo "ensure-postgres: DATABASE_URL does not answer; start that server or unset DATABASE_URL" >&2
    exit 1
  fi
  echo "$url"; exit 0
fi

if ! pg_isready -q -h 127.0.0.1 -p 5432 -t 2; then
  cluster=$(pg_lsclusters --no-header 2>/dev/null | awk '$3 == 5432 { print $1 " " $2; exit }' || true)
  if [ -z "$cluster" ] || ! command -v pg_ctlcluster >/dev/null; then
    echo "ensure-postgres: no PostgreSQL on 127.0.0.1:5432; install PostgreSQL 15+ or set DATABASE_URL" >&2
    exit 1
  fi
  echo "ensure-postgres: starting PostgreSQL cluster $cluster" >&2
  # To stderr: callers read this script's stdout as the database URL ("Removed stale pid file." broke it).
  if [ "$(id -u)" = 0 ]; then pg_ctlcluster $cluster start >&2; else sudo -n pg_ctlcluster $cluster start >&2; fi
  for _ in $(seq 1 30); do pg_isready -q -h 127.0.0.1 -p 5432 && break; sleep 1; done
fi

if ! PGPASSWORD=kairos psql -h 127.0.0.1 -U kairos -d postgres -tAc 'select 1' >/dev/null 2>&1; then
  echo "ensure-postgres: creating role kairos" >&2
  as_postgres psql -q -v ON_ERROR_STOP=1 -c \
    "DO \$\$ BEGIN IF NOT EXISTS (SELECT FROM pg_roles WHERE rolname = 'kairos') THEN
       CREATE ROLE kairos LOGIN CREATEDB PASSWORD 'kairos'; ELSE
       ALTER ROLE kairos LOGIN CREATEDB PASSWORD 'kairos'; END IF; END \$\$;" >&2
fi
if [ "$(PGPASSWORD=kairos psql -h 127.0.0.1 -U kairos -d postgres -tAc "select 1 from pg_database where datname = 'kairos'")" != 1 ]; then
  echo "ensure-postgres: creating database kairos" >&2
  PGPASSWORD=kairos psql -q -h 127.0.0.1 -U kairos -d postgres -c 'CREATE DATABASE kairos' >&2
fi
echo "$url"
