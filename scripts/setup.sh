#!/usr/bin/env bash
# Shared by demo.sh and test.sh: pnpm, dependencies, a build, and a private ClickHouse.
# Sourced, not run: exports CLICKHOUSE_URL and sets TL_STOP_CLICKHOUSE when this run started it.
set -euo pipefail
cd "$(dirname "${BASH_SOURCE[0]}")/.."

node_major=$(node -p 'process.versions.node.split(".")[0]' 2>/dev/null || echo 0)
if [ "$node_major" -lt 20 ]; then echo "TokenLedger needs Node.js 20 or newer (found: $(node --version 2>/dev/null || echo none))" >&2; exit 1; fi
if ! command -v pnpm >/dev/null; then
  echo "installing pnpm 10 with npm (corepack's signature check fails on some Node 20 builds)" >&2
  npm install -g pnpm@10 >/dev/null
fi
pnpm install --frozen-lockfile --reporter=silent
pnpm build

TL_STOP_CLICKHOUSE=""
if [ -z "${CLICKHOUSE_URL:-}" ] && ! scripts/clickhouse.sh status >/dev/null 2>&1; then TL_STOP_CLICKHOUSE=1; fi
CLICKHOUSE_URL=$(scripts/clickhouse.sh start)
export CLICKHOUSE_URL TL_STOP_CLICKHOUSE
