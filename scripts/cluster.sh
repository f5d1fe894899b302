#!/usr/bin/env bash
# A private, real ClickHouse cluster on one machine for the cluster test lane (and to try cluster
# mode by hand): Debian's ZooKeeper plus four ClickHouse servers, 2 shards x 2 replicas, cluster
# name `tokenledger`. Data in .cluster/ of this checkout; ports 18201-18224 and 12181 only.
#
#   scripts/cluster.sh start          # prints the four HTTP URLs, shard 1 replica 1 first
#   scripts/cluster.sh stop
#   scripts/cluster.sh status
#   scripts/cluster.sh urls
#   scripts/cluster.sh stop-node N    # SIGKILL node N (1-4), as a crash would
#   scripts/cluster.sh start-node N   # after a crash: restores from ZooKeeper (force_restore_data)
#
# Installs Debian's zookeeper and clickhouse-server when missing (as root, with apt-get).
set -euo pipefail

root_dir=$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)
home=${TOKENLEDGER_CLUSTER_HOME:-$root_dir/.cluster}
cluster=tokenledger
zk_port=12181
nodes="1 2 3 4"
http_port() { echo $((18200 + $1)); }
tcp_port() { echo $((18210 + $1)); }
interserver_port() { echo $((18220 + $1)); }
shard_of() { echo $(( ($1 + 1) / 2 )); }

say() { echo "cluster: $*" >&2; }
die() { say "$*"; exit 1; }

answers() {
  node -e 'fetch(process.argv[1] + "/ping", { signal: AbortSignal.timeout(2000) }).then((r) => process.exit(r.ok ? 0 : 1), () => process.exit(1))' "$1"
}

# 18.16 exits at start if ZooKeeper accepts connections but is not serving yet, and `ruok`
# answers too early: wait for `srvr` to report a Mode: line.
zk_serving() {
  node -e '
    const s = require("net").connect(Number(process.argv[1]), "127.0.0.1", () => s.end("srvr"));
    let out = ""; s.on("data", (d) => (out += d)); s.on("error", () => process.exit(1));
    s.on("close", () => process.exit(/Mode:/.test(out) ? 0 : 1)); setTimeout(() => process.exit(1), 2000);
  ' "$zk_port"
}

apt_install() {
  [ "$(id -u)" = 0 ] || die "$1 is not installed and installing it needs root: sudo apt-get install -y $1"
  command -v apt-get >/dev/null || die "$1 is not installed and there is no apt-get here"
  say "installing Debian's $1 (once)"
  DEBIAN_FRONTEND=noninteractive apt-get update -qq >/dev/null
  DEBIAN_FRONTEND=noninteractive apt-get install -y -qq "$1" >/dev/null
}

server_binary() {
  command -v clickhouse-server 2>/dev/null || { [ -x /usr/sbin/clickhouse-server ] && echo /usr/sbin/clickhouse-server; } || true
}

install_missing() {
  [ -f /usr/share/java/zookeeper.jar ] || apt_install zookeeper
  [ -n "$(server_binary)" ] || apt_install clickhouse-server
}

start_zookeeper() {
  if zk_serving; then return; fi
  local dir=$home/zookeeper
  mkdir -p "$dir/data" "$dir/conf" "$dir/log"
  cat >"$dir/conf/zoo.cfg" <<CFG
tickTime=2000
dataDir=$dir/data
clientPort=$zk_port
clientPortAddress=127.0.0.1
admin.enableServer=false
4lw.commands.whitelist=srvr,ruok,mntr
maxClientCnxns=0
CFG
  cp /etc/zookeeper/conf/log4j.properties "$dir/conf/" 2>/dev/null || true
  (cd "$dir" && exec nohup java -Xmx256m -Dzookeeper.log.dir="$dir/log" -Dzookeeper.root.logger=WARN,CONSOLE \
    -cp "$dir/conf:/usr/share/java/zookeeper.jar" org.apache.zookeeper.server.ZooKeeperServerMain "$dir/conf/zoo.cfg" \
    >"$dir/log/stdout.log" 2>&1) &
  echo $! >"$dir/pid"
  for _ in $(seq 1 120); do
    if zk_serving; then return; fi
    kill -0 "$(cat "$dir/pid")" 2>/dev/null || { tail -n 20 "$dir/log/stdout.log" >&2; die "zookeeper exited while starting"; }
    sleep 0.25
  done
  die "zookeeper did not serve within 30 s (log in $dir/log)"
}

write_node_config() {
  local n=$1 dir=$home/node$1
  mkdir -p "$dir/data" "$dir/tmp" "$dir/log" "$dir/user_files" "$dir/format_schemas"
  sed -e "s#@HOME@#$dir#g" -e "s#@USERS@#$home/users.xml#g" \
    -e "s#@HTTP_PORT@#$(http_port "$n")#g" -e "s#@TCP_PORT@#$(tcp_port "$n")#g" -e "s#@INTERSERVER_PORT@#$(interserver_port "$n")#g" \
    -e "s#@SHARD@#$(shard_of "$n")#g" -e "s#@REPLICA@#node$n#g" -e "s#@ZK_PORT@#$zk_port#g" -e "s#@CLUSTER@#$cluster#g" \
    -e "s#@TCP_1@#$(tcp_port 1)#g" -e "s#@TCP_2@#$(tcp_port 2)#g" -e "s#@TCP_3@#$(tcp_port 3)#g" -e "s#@TCP_4@#$(tcp_port 4)#g" \
    "$root_dir/scripts/cluster/node-config.xml" >"$dir/config.xml"
}

launch_node() {
  local n=$1 dir=$home/node$1
  # Written also for a running node: ClickHouse reloads remote_servers from it on the fly.
  write_node_config "$n"
  answers "http://127.0.0.1:$(http_port "$n")" && return
  (cd "$dir" && exec nohup "$(server_binary)" --config-file="$dir/config.xml" >"$dir/log/stdout.log" 2>&1) &
  echo $! >"$dir/pid"
}

await_node() {
  local n=$1 dir=$home/node$1
  for _ in $(seq 1 240); do
    if answers "http://127.0.0.1:$(http_port "$n")"; then return; fi
    kill -0 "$(cat "$dir/pid")" 2>/dev/null || { tail -n 20 "$dir/log/err.log" >&2 2>/dev/null || true; die "node $n exited while starting (logs in $dir/log)"; }
    sleep 0.25
  done
  die "node $n did not answer within 60 s (logs in $dir/log)"
}

urls() { for n in $nodes; do echo "http://127.0.0.1:$(http_port "$n")"; done; }

start() {
  install_missing
  mkdir -p "$home"
  cp "$root_dir/scripts/cluster/users.xml" "$home/users.xml"
  start_zookeeper
  for n in $nodes; do launch_node "$n"; done
  for n in $nodes; do await_node "$n"; done
  say "up: zookeeper 127.0.0.1:$zk_port, cluster '$cluster' (2 shards x 2 replicas), data in $home"
  urls
}

# SIGTERM, then SIGKILL after 30 s, of the pid in a pid file.
stop_pid_file() {
  local file=$1 signal=${2:-TERM}
  [ -f "$file" ] || return 0
  local pid; pid=$(cat "$file"); rm -f "$file"
  kill -0 "$pid" 2>/dev/null || return 0
  kill "-$signal" "$pid" 2>/dev/null || true
  for _ in $(seq 1 120); do kill -0 "$pid" 2>/dev/null || return 0; sleep 0.25; done
  kill -9 "$pid" 2>/dev/null || true
}

node_arg() { case "${1:-}" in 1|2|3|4) echo "$1" ;; *) die "node must be 1, 2, 3 or 4 (got '${1:-}')" ;; esac; }

stop() {
  for n in $nodes; do stop_pid_file "$home/node$n/pid" & done
  wait
  stop_pid_file "$home/zookeeper/pid"
  say "stopped"
}

status() {
  local up=0
  zk_serving && echo "zookeeper up 127.0.0.1:$zk_port" || echo "zookeeper down"
  for n in $nodes; do
    if answers "http://127.0.0.1:$(http_port "$n")"; then echo "node$n up http://127.0.0.1:$(http_port "$n")"; up=$((up + 1)); else echo "node$n down"; fi
  done
  [ "$up" = 4 ]
}

case "${1:-}" in
  start) start ;;
  stop) stop ;;
  status) status ;;
  urls) urls ;;
  stop-node) n=$(node_arg "${2:-}"); stop_pid_file "$home/node$n/pid" KILL ;;
  start-node)
    n=$(node_arg "${2:-}")
    # A replica killed mid-insert can hold parts ZooKeeper never heard of; 18.16 then refuses to
    # attach the table ("doesn't look like the set of parts in ZooKeeper"). The flag makes it set
    # those parts aside (detached/) and fetch what it lacks from the other replica, as ops would.
    mkdir -p "$home/node$n/data/flags" && touch "$home/node$n/data/flags/force_restore_data"
    launch_node "$n"; await_node "$n" ;;
  *) echo "usage: scripts/cluster.sh start|stop|status|urls|stop-node N|start-node N" >&2; exit 2 ;;
esac
