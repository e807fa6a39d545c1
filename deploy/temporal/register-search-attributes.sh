#!/bin/sh
# Registers Kairos' custom search attributes on the Temporal namespace. Run once by the
# temporal-admin-tools service in docker-compose.yml; idempotent ("already exists" is success).
set -eu
ADDRESS="${TEMPORAL_ADDRESS:-temporal:7233}"
NAMESPACE="${TEMPORAL_NAMESPACE:-default}"

echo "Waiting for Temporal at $ADDRESS ..."
until temporal operator cluster health --address "$ADDRESS" 2>/dev/null | grep -q SERVING; do
  sleep 2
done
# auto-setup creates the default namespace just after the server starts serving.
echo "Waiting for namespace $NAMESPACE ..."
until temporal operator search-attribute list --address "$ADDRESS" --namespace "$NAMESPACE" >/dev/null 2>&1; do
  sleep 2
done

create() { # <name> <type>
  if out=$(temporal operator search-attribute create --address "$ADDRESS" --namespace "$NAMESPACE" \
      --name "$1" --type "$2" 2>&1); then
    echo "Created search attribute $1 ($2)"
  elif echo "$out" | grep -qi "already exists"; then
    echo "Search attribute $1 already exists"
  else
    echo "$out" >&2
    exit 1
  fi
}

create KairosCustomerId Keyword
create KairosPrograms KeywordList
create KairosInterpreterVersion Keyword
