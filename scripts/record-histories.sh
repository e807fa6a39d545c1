#!/usr/bin/env bash
# Records the replay suite's histories for the current interpreter version: runs the workflow
# scenarios with KAIROS_RECORD_HISTORIES set, so each test world exports its customer workflows.
set -euo pipefail
cd "$(dirname "$0")/.."
version=$(node_modules/.bin/tsx -e "process.stdout.write(require('./workflows/search-attributes').INTERPRETER_VERSION)")
dir="test/replay/histories/v$version"
rm -rf "$dir"
KAIROS_RECORD_HISTORIES="$dir" node_modules/.bin/jest test/workflows/simona.test.ts test/workflows/abandoned-cart.test.ts \
  test/workflows/contact-policy.test.ts test/workflows/merge.test.ts test/workflows/program-rules.test.ts \
  test/integration/program-states.test.ts test/integration/rollouts.test.ts test/integration/release-rules.test.ts \
  test/broadcasts/broadcast-control.test.ts test/imports/imports-router.test.ts
# The rollout scenario has 50 customers on two versions; its first eight cover both paths.
find "$dir" -regextype posix-extended -regex '.*/rollouts-([9]|[1-9][0-9])\.json' -delete
# The broadcasts' recipients all run one program alike: two of them, and every broadcast's run.
find "$dir" -regextype posix-extended -regex '.*/broadcast-control-([3-9]|[1-9][0-9]+)\.json' -delete
echo "recorded $(ls "$dir" | wc -l) histories in $dir"
