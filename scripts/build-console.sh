#!/usr/bin/env bash
# Builds the marketer console (console/) into dist/console, which the API serves at /console.
# Skips the build when no file under console/ or src/ (the console shares src/contracts and the
# program language) is newer than the last build; --force builds anyway.
set -euo pipefail
cd "$(dirname "$0")/.."

stamp=dist/console/index.html
if [[ "${1:-}" != --force && -f $stamp && -z $(find console src -newer "$stamp" -type f -print -quit) ]]; then
  exit 0
fi
npx vite build --config console/vite.config.mts
