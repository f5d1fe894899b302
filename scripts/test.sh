#!/usr/bin/env bash
# Every test: installs pnpm, dependencies and ClickHouse when missing, then typecheck, lint and
# the whole vitest suite (unit + integration on a real ClickHouse). The README's test command.
set -euo pipefail
cd "$(dirname "$0")/.."
source scripts/setup.sh
TL_STOP_CLUSTER=""
stop() {
  if [ -n "$TL_STOP_CLICKHOUSE" ]; then scripts/clickhouse.sh stop || true; fi
  if [ -n "$TL_STOP_CLUSTER" ]; then scripts/cluster.sh stop || true; fi
}
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

# The portal's browser tests drive Debian's chromium through playwright-core (CHROMIUM_PATH overrides).
if [ -z "${CHROMIUM_PATH:-}" ] && [ ! -x /usr/bin/chromium ]; then
  if [ "$(id -u)" = 0 ] && command -v apt-get >/dev/null; then
    echo "installing chromium (the portal's browser tests drive it)" >&2
    DEBIAN_FRONTEND=noninteractive apt-get update -qq >/dev/null
    DEBIAN_FRONTEND=noninteractive apt-get install -y -qq chromium >/dev/null
  else
    echo "the portal's browser tests need chromium: sudo apt-get install -y chromium (or set CHROMIUM_PATH)" >&2
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

# The cluster lane (docs/scaling.md): ZooKeeper and four ClickHouse 18.16 servers (2 shards x 2
# replicas) on private ports, installed when missing; about 3 minutes here. TOKENLEDGER_SKIP_CLUSTER=1 skips it.
rm -f .test-results/vitest-cluster.json
if [ -z "${TOKENLEDGER_SKIP_CLUSTER:-}" ]; then
  if ! scripts/cluster.sh status >/dev/null 2>&1; then TL_STOP_CLUSTER=1; fi
  pnpm exec vitest run --config vitest.cluster.config.ts --reporter=default --reporter=json --outputFile.json=.test-results/vitest-cluster.json || status=$?
fi

# One plain closing line over both runs, the same whatever the runners print above it.
node -e '
  const fs = require("fs");
  const runs = [".test-results/vitest.json", ".test-results/vitest-cluster.json"].filter((f) => fs.existsSync(f)).map((f) => JSON.parse(fs.readFileSync(f, "utf8")));
  const sum = (k) => runs.reduce((n, r) => n + r[k], 0);
  console.log(`tests: ${sum("numPassedTests")} passed, ${sum("numFailedTests")} failed` + (sum("numPendingTests") ? `, ${sum("numPendingTests")} skipped` : ""));
' || true
exit $status
