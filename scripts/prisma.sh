#!/usr/bin/env bash
# Runs the Prisma CLI. Kairos uses Prisma's JavaScript schema engine and the pg driver adapter, so
# the native engines are never used; when they are absent (offline installs) we point the CLI at a
# placeholder so it does not try to download them.
set -euo pipefail
cd "$(dirname "$0")/.."
if ! ls node_modules/@prisma/engines/schema-engine-* >/dev/null 2>&1; then
  export PRISMA_SCHEMA_ENGINE_BINARY="${PRISMA_SCHEMA_ENGINE_BINARY:-$PWD/package.json}"
  export PRISMA_QUERY_ENGINE_LIBRARY="${PRISMA_QUERY_ENGINE_LIBRARY:-$PWD/package.json}"
fi
export PRISMA_HIDE_UPDATE_MESSAGE=1
exec node_modules/.bin/prisma "$@"
