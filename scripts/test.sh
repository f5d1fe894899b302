#!/usr/bin/env bash
# Every test: installs pnpm, dependencies and ClickHouse when missing, then typecheck, lint and
# the whole vitest suite (unit + integration on a real ClickHouse). The README's test command.
set -euo pipefail
cd "$(dirname "$0")/.."
source scripts/setup.sh
stop() { if [ -n "$TL_STOP_CLICKHOUSE" ]; then scripts/clickhouse.sh stop || true; fi; }
trap stop EXIT

pnpm typecheck
pnpm lint
mkdir -p .test-results
status=0
pnpm exec vitest run --reporter=default --reporter=json --outputFile.json=.test-results/vitest.json || status=$?
# One plain closing line, the same whatever the runner prints above it.
node -e '
  const r = JSON.parse(require("fs").readFileSync(".test-results/vitest.json", "utf8"));
  console.log(`tests: ${r.numPassedTests} passed, ${r.numFailedTests} failed` + (r.numPendingTests ? `, ${r.numPendingTests} skipped` : ""));
' || true
exit $status
