#!/bin/sh
# `npm run test:services`. The service suite runs one file at a time (its files share PostgreSQL databases,
# RabbitMQ, ports and timings), except its longest file by far: the pgvector contract with its 100,000-case
# property test (about 6 minutes), which only touches schemas of its own. It runs beside the rest, and its report
# is printed after theirs. With arguments (files, -t "a test name"), everything they select runs in one plain run.
set -u
if [ "$#" -gt 0 ]; then
  exec npx vitest run --project services "$@"
fi
long_file=src/adapters/vector/pgvector/pgvector-index.services.test.ts
long_log=$(mktemp)
trap 'rm -f "$long_log"' EXIT

npx vitest run --project services "$long_file" >"$long_log" 2>&1 &
long_pid=$!
npx vitest run --project services --exclude "**/$(basename "$long_file")"
rest_status=$?
wait "$long_pid"
long_status=$?

printf '\n== %s (run beside the rest of the suite)\n' "$long_file"
cat "$long_log"
[ "$rest_status" -eq 0 ] && [ "$long_status" -eq 0 ]
