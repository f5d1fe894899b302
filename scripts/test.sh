#!/usr/bin/env bash
# Every test: installs pnpm, dependencies and ClickHouse when missing, then typecheck, lint and
# the whole vitest suite (unit + integration on a real ClickHouse). The README's test command.
set -euo pipefail
cd "$(dirname "$0")/.."
source scripts/setup.sh
stop() { if [ -n "$TL_STOP_CLICKHOUSE" ]; then scripts/clickhouse.sh stop || true; fi; }
trap stop EXIT

# The invoice tests read the PDF back with poppler (pdfinfo, pdftotext).
if ! command -v pdftotext >/dev/null; then
  if [ "$(id -u)" = 0 ] && command -v apt-get >/dev/null; then
    echo "installing poppler-utils (the invoice tests read PDFs back with it)" >&2
    DEBIAN_FRONTEND=noninteractive apt-get update -qq >/dev/null
    DEBIAN_FRONTEND=noninteractive apt-get install -y -qq poppler-utils >/dev/null
  else
    echo "the invoice tests need poppler-utils: sudo apt-get install -y poppler-utils" >&2
    exit 1
  fi
fi

pnpm typecheck
pnpm lint
mkdir -p .test-results
status=0
# Two vitest projects (vitest.config.ts, docs/testing.md): every test on ClickHouse 18.16, and every
# ClickHouse-backed test again on current ClickHouse (chdb, installed from the npm registry by pnpm).
[ -d node_modules/chdb ] || { echo "chdb is missing: run pnpm install (the second ClickHouse engine of the tests)" >&2; exit 1; }
pnpm exec vitest run --reporter=default --reporter=json --outputFile.json=.test-results/vitest.json || status=$?
# One plain closing line, the same whatever the runner prints above it.
node -e '
  const r = JSON.parse(require("fs").readFileSync(".test-results/vitest.json", "utf8"));
  console.log(`tests: ${r.numPassedTests} passed, ${r.numFailedTests} failed` + (r.numPendingTests ? `, ${r.numPendingTests} skipped` : ""));
' || true
exit $status
