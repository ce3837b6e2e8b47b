#!/usr/bin/env bash
# A three-master Redis Cluster on loopback for the tests and local runs.
#   start   start it (does nothing if it is already up)
#   stop    stop the servers this script started (by the pids it recorded), and forget their cluster state
#   status  say whether the cluster answers with cluster_state:ok (exit 1 if not)
# Ports 7001 7002 7003 unless REDIS_CLUSTER_PORTS="p1 p2 p3" says otherwise. Nothing is persisted; pid, log and
# cluster-config files live under ${TMPDIR:-/tmp}/starling-redis-cluster/<port>.
set -euo pipefail
read -r -a PORTS <<<"${REDIS_CLUSTER_PORTS:-7001 7002 7003}"
DIR=${TMPDIR:-/tmp}/starling-redis-cluster

cli() { redis-cli -h 127.0.0.1 -p "$1" "${@:2}" 2>/dev/null; }
answers() { [[ $(cli "$1" ping) == PONG ]]; }
info() { cli "${PORTS[0]}" cluster info || true; }
healthy() { [[ $(info) == *cluster_state:ok* ]]; }
# Slots already handed out: someone created the cluster and it is still converging; creating it again would fail.
assigned() { [[ $(info) == *cluster_slots_assigned:16384* ]]; }

wait_for() { # wait_for <what> <command…>: up to 10 s
  local what=$1
  shift
  for _ in $(seq 1 100); do "$@" && return 0; sleep 0.1; done
  echo "redis cluster: $what did not happen within 10 s (logs in $DIR/<port>/redis.log)" >&2
  return 1
}

start() {
  mkdir -p "$DIR"
  # Two concurrent starts (say, two test runs) must not both create the cluster; the servers must not inherit the lock.
  exec 9>"$DIR/lock"
  flock 9
  if healthy; then
    echo "redis cluster: already up on ${PORTS[*]}"
    return
  fi
  for port in "${PORTS[@]}"; do
    answers "$port" && continue
    mkdir -p "$DIR/$port"
    rm -f "$DIR/$port/nodes.conf"
    redis-server --port "$port" --bind 127.0.0.1 --cluster-enabled yes \
      --cluster-config-file "$DIR/$port/nodes.conf" --cluster-node-timeout 5000 \
      --save "" --appendonly no --dir "$DIR/$port" \
      --daemonize yes --pidfile "$DIR/$port/redis.pid" --logfile "$DIR/$port/redis.log" 9>&-
  done
  for port in "${PORTS[@]}"; do wait_for "127.0.0.1:$port answering" answers "$port"; done
  if ! assigned; then
    local nodes=()
    for port in "${PORTS[@]}"; do nodes+=("127.0.0.1:$port"); done
    redis-cli --cluster create "${nodes[@]}" --cluster-replicas 0 --cluster-yes >"$DIR/create.log" 2>&1 || {
      echo "redis cluster: create failed (see $DIR/create.log); '$0 stop' then '$0 start' starts afresh" >&2
      exit 1
    }
  fi
  wait_for "cluster_state:ok" healthy
  echo "redis cluster: up on ${PORTS[*]}"
}

stop() {
  for port in "${PORTS[@]}"; do
    local pidfile=$DIR/$port/redis.pid
    [[ -f $pidfile ]] || continue
    local pid
    pid=$(cat "$pidfile")
    # Only a redis-server this script started: a recycled pid must not take someone else's process down.
    if [[ $(ps -o comm= -p "$pid" 2>/dev/null) == redis-server* ]]; then
      kill "$pid"
      for _ in $(seq 1 50); do kill -0 "$pid" 2>/dev/null || break; sleep 0.1; done
    fi
    rm -f "$pidfile" "$DIR/$port/nodes.conf"
  done
  echo "redis cluster: stopped"
}

case "${1:-}" in
  start) start ;;
  stop) stop ;;
  status)
    if healthy; then echo "redis cluster: up on ${PORTS[*]}"; else
      echo "redis cluster: down"
      exit 1
    fi
    ;;
  *)
    echo "usage: $0 start|stop|status" >&2
    exit 2
    ;;
esac
