#!/usr/bin/env bash
# Provisions a real Temporal server (`temporal-server`) and its schema tool (`temporal-sql-tool`)
# into .tools/temporal-server-<version>/ (git-ignored), linked from .tools/bin where
# src/temporal/binaries.ts finds them. No registry ships them as binaries, so they are built
# with the machine's Go from module go.temporal.io/server through the Go module proxy: minutes
# the first time (see README, "A real Temporal server"), then a no-op while both binaries are
# there; Go's module and build caches make a rebuild after `rm -rf .tools` quicker too.
# The version is pinned to one whose `go` directive the installed Go accepts (GOTOOLCHAIN=local:
# no toolchain is fetched). Overrides, checked first: TEMPORAL_SERVER_PATH, TEMPORAL_SQL_TOOL_PATH.
set -euo pipefail
cd "$(dirname "$0")/.."

SERVER_MODULE="go.temporal.io/server"
SERVER_VERSION="v1.32.1" # its go directive: 1.26.8; v1.32.2 needs 1.26.10
tools="$PWD/.tools"
dir="$tools/temporal-server-${SERVER_VERSION#v}"

fail() { # <why>
  echo "provision-temporal-server: $1. Set TEMPORAL_SERVER_PATH and TEMPORAL_SQL_TOOL_PATH to existing binaries, or install Go (https://go.dev/dl) and run again." >&2
  exit 1
}

# Binaries no override names are linked from .tools/bin, and built first if missing.
linked=() # binary names
wanted=() # name:package
want() { # <binary name> <package> <override variable>
  local name=$1 pkg=$2 override=${!3:-}
  if [ -n "$override" ]; then
    [ -x "$override" ] || fail "$3=$override is not executable"
    return 0
  fi
  linked+=("$name")
  [ -x "$dir/$name" ] || wanted+=("$name:$pkg")
}
want temporal-server "$SERVER_MODULE/cmd/server" TEMPORAL_SERVER_PATH
want temporal-sql-tool "$SERVER_MODULE/cmd/tools/sql" TEMPORAL_SQL_TOOL_PATH

if [ ${#wanted[@]} -gt 0 ]; then
  command -v go >/dev/null || fail "cannot build $SERVER_MODULE@$SERVER_VERSION: no 'go' on PATH"
  echo "provision-temporal-server: building ${wanted[*]%%:*} from $SERVER_MODULE@$SERVER_VERSION" \
    "with $(go env GOVERSION) (minutes the first time)" >&2
  mkdir -p "$dir"
  build=$(mktemp -d "$tools/.temporal-server-build.XXXXXX")
  trap 'rm -rf "$build"' EXIT
  pkgs=()
  for w in "${wanted[@]}"; do pkgs+=("${w#*:}@$SERVER_VERSION"); done
  # Static binaries like upstream's releases; -trimpath keeps this machine's paths out of them.
  GOBIN="$build" GOTOOLCHAIN=local CGO_ENABLED=0 GOFLAGS=-buildvcs=false go install -trimpath "${pkgs[@]}" >&2 ||
    fail "go install ${pkgs[*]} failed"
  # go install names each binary after its package's folder (server, sql): rename them as they
  # move into place, so an interrupted build never leaves a binary that looks complete.
  for w in "${wanted[@]}"; do
    pkg=${w#*:}
    mv "$build/${pkg##*/}" "$dir/${w%%:*}"
  done
  echo "provision-temporal-server: built into ${dir#"$PWD"/}" >&2
fi

mkdir -p "$tools/bin"
for name in ${linked[@]+"${linked[@]}"}; do ln -sfn "$dir/$name" "$tools/bin/$name"; done
