#!/usr/bin/env bash
# Records the build id in dist/build-id.txt (part of `npm run build`); the worker reports it as
# its Worker Deployment version (src/worker/build-id.ts). KAIROS_BUILD_ID if set (a CI variable,
# the Docker build arg), else the short git sha of HEAD, else the package version (no .git, as in
# a Docker build context). Build from a clean checkout: uncommitted changes do not change the sha.
set -euo pipefail
cd "$(dirname "$0")/.."
if [ -n "${KAIROS_BUILD_ID:-}" ]; then
  id="$KAIROS_BUILD_ID"
elif ! id=$(git rev-parse --short=12 HEAD 2>/dev/null); then
  id=$(node -p "require('./package.json').version")
fi
mkdir -p dist
echo "$id" > dist/build-id.txt
echo "build id: $id"
