#!/usr/bin/env bash
# The demo end to end: a private ClickHouse, the receiver, realistic traffic for several clients
# through the real OTLP path, a per-client cost report, and the portal's URL with a token to sign
# in with. The README's demo command. `./scripts/demo.sh --keep` keeps the receiver running (Ctrl-C stops it).
set -euo pipefail
cd "$(dirname "$0")/.."
source scripts/setup.sh
stop() { if [ -n "$TL_STOP_CLICKHOUSE" ]; then scripts/clickhouse.sh stop || true; fi; }
trap stop EXIT

export CLICKHOUSE_DATABASE=${CLICKHOUSE_DATABASE:-tokenledger_demo}
export TOKENLEDGER_CONFIG=${TOKENLEDGER_CONFIG:-scripts/demo/tokenledger.yaml}
# Sign-in tokens for the portal, fresh each run; the receiver stays on this machine (loopback).
if [ -z "${TOKENLEDGER_API_TOKENS:-}" ]; then
  token() { node -e 'console.log(require("crypto").randomBytes(18).toString("base64url"))'; }
  export TOKENLEDGER_API_TOKENS="$(token),acme=$(token)"
  export TOKENLEDGER_INGEST_TOKENS=${TOKENLEDGER_INGEST_TOKENS:-$(token)}
  export TOKENLEDGER_LISTEN_HOST=${TOKENLEDGER_LISTEN_HOST:-127.0.0.1}
fi
pnpm exec tokenledger demo "$@"
