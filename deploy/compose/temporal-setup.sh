#!/bin/sh
# temporal-setup in docker-compose.yml: the relay's namespace with its retention, and its search attributes, then
# exits. test/ops/compose.test.ts runs this same file against the harness's Temporal with the temporal CLI (no tctl:
# admin-tools images after 1.29 do not ship it). Safe to run again: an existing namespace gets the retention set,
# an existing search attribute of the same type is left as it is; a different type is an error, and stops it.
#   TEMPORAL_ADDRESS, TEMPORAL_NAMESPACE    where (the temporal CLI reads both itself too)
#   TEMPORAL_RETENTION_DAYS                 how long closed runs, and so their idempotency keys, are kept
#   TEMPORAL_SEARCH_ATTRIBUTES              "Name=Type Name=Type ..."
set -eu
namespace=${TEMPORAL_NAMESPACE:-default}
retention=${TEMPORAL_RETENTION_DAYS:-14}d
attempts=${TEMPORAL_SETUP_ATTEMPTS:-60}
export TEMPORAL_ADDRESS=${TEMPORAL_ADDRESS:-temporal:7233}

tries=1
until temporal operator cluster health >/dev/null; do
  [ "$tries" -lt "$attempts" ] || { echo "temporal-setup: Temporal at $TEMPORAL_ADDRESS is not serving" >&2; exit 1; }
  tries=$((tries + 1))
  sleep 2
done

if temporal operator namespace describe --namespace "$namespace" >/dev/null 2>&1; then
  temporal operator namespace update --namespace "$namespace" --retention "$retention"
  echo "temporal-setup: namespace $namespace exists; retention set to $retention"
else
  temporal operator namespace create --namespace "$namespace" --retention "$retention"
  echo "temporal-setup: namespace $namespace created with retention $retention"
fi

set --
for pair in ${TEMPORAL_SEARCH_ATTRIBUTES:?TEMPORAL_SEARCH_ATTRIBUTES is empty}; do
  set -- "$@" --name "${pair%%=*}" --type "${pair#*=}"
done
# A namespace just created reaches each frontend's cache a moment later; until then it is "not found". Only that
# is waited out: any other error (a type conflict, a bad name) is printed and ends the setup.
tries=1
until out=$(temporal operator search-attribute create --namespace "$namespace" "$@" 2>&1); do
  case $out in
    *[Nn]amespace*not*found* | *NotFound*) ;;
    *) echo "$out" >&2; exit 1 ;;
  esac
  [ "$tries" -lt "$attempts" ] || { echo "$out" >&2; exit 1; }
  tries=$((tries + 1))
  sleep 2
done
echo "temporal-setup: search attributes registered: $TEMPORAL_SEARCH_ATTRIBUTES"
