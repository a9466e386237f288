#!/bin/sh
# `npm run test:services`. The service suite runs one file at a time (its files share PostgreSQL databases,
# RabbitMQ, ports and timings), except its two longest files by far, which only touch schemas of their own: the
# pgvector contract with its 100,000-case property test (7-9 minutes on two cores) and the PostgreSQL store
# contract (171 tests, each on a freshly migrated schema: 4 minutes). Each runs beside the rest, as its time goes
# mostly to round trips that leave the cores idle; their reports are printed after the rest's. With arguments
# (files, -t "a test name"), everything they select runs in one plain run.
set -uf
if [ "$#" -gt 0 ]; then
  exec npx vitest run --project services "$@"
fi
beside="src/adapters/vector/pgvector/pgvector-index.services.test.ts src/adapters/storage/postgres/postgres-store.services.test.ts"
logs=$(mktemp -d)
trap 'rm -rf "$logs"' EXIT

excludes=""
pids=""
for file in $beside; do
  name=$(basename "$file")
  npx vitest run --project services "$file" >"$logs/$name.log" 2>&1 &
  pids="$pids $!"
  excludes="$excludes --exclude **/$name"
done
# shellcheck disable=SC2086 # the excludes are separate words on purpose
npx vitest run --project services $excludes
status=$?
for pid in $pids; do
  wait "$pid" || status=1
done
for file in $beside; do
  printf '\n== %s (run beside the rest of the suite)\n' "$file"
  cat "$logs/$(basename "$file").log"
done
exit "$status"
