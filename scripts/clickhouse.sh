#!/usr/bin/env bash
# A private, real ClickHouse for the demo, the tests and CI.
#
#   scripts/clickhouse.sh start   # prints the URL to use (also on `url`)
#   scripts/clickhouse.sh stop
#   scripts/clickhouse.sh status
#   scripts/clickhouse.sh url
#
# With CLICKHOUSE_URL set, that server (a user's own 24.x/25.x) is used as is and nothing is started.
# Otherwise Debian's clickhouse-server is installed when missing and started with its own config,
# data directory and ports, never the default 8123/9000 a user may already run. A private server
# that already answers is reused.
set -euo pipefail

root_dir=$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)
home=${TOKENLEDGER_CH_HOME:-$root_dir/.clickhouse}
http_port=${TOKENLEDGER_CH_HTTP_PORT:-18123}
tcp_port=${TOKENLEDGER_CH_TCP_PORT:-19000}
private_url="http://127.0.0.1:$http_port"

say() { echo "clickhouse: $*" >&2; }
die() { say "$*"; exit 1; }

# Node is the one thing a fresh machine is sure to have (curl may be missing).
answers() {
  node -e 'fetch(process.argv[1] + "/ping", { signal: AbortSignal.timeout(2000) }).then((r) => process.exit(r.ok ? 0 : 1), () => process.exit(1))' "$1"
}

server_binary() {
  command -v clickhouse-server 2>/dev/null || { [ -x /usr/sbin/clickhouse-server ] && echo /usr/sbin/clickhouse-server; } || true
}

install_server() {
  [ "$(id -u)" = 0 ] || die "clickhouse-server is not installed and installing it needs root: run 'sudo apt-get install -y clickhouse-server', or set CLICKHOUSE_URL to a server you run."
  command -v apt-get >/dev/null || die "clickhouse-server is not installed and there is no apt-get here: install ClickHouse yourself and set CLICKHOUSE_URL."
  say "installing Debian's clickhouse-server (once)"
  DEBIAN_FRONTEND=noninteractive apt-get update -qq >/dev/null
  DEBIAN_FRONTEND=noninteractive apt-get install -y -qq clickhouse-server >/dev/null
}

write_config() {
  mkdir -p "$home/data" "$home/tmp" "$home/log" "$home/user_files" "$home/format_schemas"
  sed -e "s#@HOME@#$home#g" -e "s#@HTTP_PORT@#$http_port#g" -e "s#@TCP_PORT@#$tcp_port#g" \
    "$root_dir/scripts/clickhouse/config.xml" > "$home/config.xml"
  cp "$root_dir/scripts/clickhouse/users.xml" "$home/users.xml"
}

start() {
  if [ -n "${CLICKHOUSE_URL:-}" ]; then
    answers "$CLICKHOUSE_URL" || die "CLICKHOUSE_URL=$CLICKHOUSE_URL does not answer /ping"
    echo "$CLICKHOUSE_URL"; return
  fi
  if answers "$private_url"; then echo "$private_url"; return; fi
  [ -n "$(server_binary)" ] || install_server
  write_config
  say "starting a private server on 127.0.0.1:$http_port (data in $home/data)"
  # exec: the background job becomes the server itself, so $! is the server's pid.
  (cd "$home" && exec nohup "$(server_binary)" --config-file="$home/config.xml" >"$home/log/stdout.log" 2>&1) &
  echo $! >"$home/server.pid"
  for _ in $(seq 1 120); do
    if answers "$private_url"; then echo "$private_url"; return; fi
    if ! kill -0 "$(cat "$home/server.pid")" 2>/dev/null; then
      tail -n 20 "$home/log/stdout.log" "$home/log/err.log" >&2 2>/dev/null || true
      die "the server exited while starting (logs in $home/log)"
    fi
    sleep 0.5
  done
  die "the server did not answer within 60 s (logs in $home/log)"
}

# The server of this checkout: the pid file's, or any process started with this checkout's config.
server_pids() {
  if [ -f "$home/server.pid" ]; then cat "$home/server.pid"; fi
  pgrep -f -- "--config-file=$home/config.xml" || true
}

# The given pids that are still running.
alive() {
  for pid in "$@"; do
    if kill -0 "$pid" 2>/dev/null; then echo "$pid"; fi
  done
}

stop() {
  # shellcheck disable=SC2046 # word splitting of pid lists is intended
  pids=$(alive $(server_pids | sort -u))
  rm -f "$home/server.pid"
  if [ -z "$pids" ]; then say "no private server to stop"; return; fi
  kill $pids 2>/dev/null || true
  for _ in $(seq 1 60); do
    if [ -z "$(alive $pids)" ]; then say "stopped"; return; fi
    sleep 0.5
  done
  kill -9 $(alive $pids) 2>/dev/null || true
  say "stopped (killed)"
}

case "${1:-}" in
  start) start ;;
  stop) stop ;;
  url) echo "${CLICKHOUSE_URL:-$private_url}" ;;
  status) if answers "${CLICKHOUSE_URL:-$private_url}"; then echo "up ${CLICKHOUSE_URL:-$private_url}"; else echo down; exit 1; fi ;;
  *) echo "usage: scripts/clickhouse.sh start|stop|status|url" >&2; exit 2 ;;
esac
