#!/usr/bin/env bash
# The demo end to end: a private ClickHouse, the receiver, realistic traffic for several clients
# through the real OTLP path, and a per-client cost report. The README's demo command.
set -euo pipefail
cd "$(dirname "$0")/.."
source scripts/setup.sh
stop() { if [ -n "$TL_STOP_CLICKHOUSE" ]; then scripts/clickhouse.sh stop || true; fi; }
trap stop EXIT

export CLICKHOUSE_DATABASE=${CLICKHOUSE_DATABASE:-tokenledger_demo}
pnpm exec tokenledger demo "$@"
