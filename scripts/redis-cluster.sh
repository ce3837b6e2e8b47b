#!/usr/bin/env bash
# A three-master Redis Cluster on loopback for the tests: `start` (idempotent), `stop` (only what it started),
# `status`. Ports 7001-7003 unless REDIS_CLUSTER_PORTS="p1 p2 p3" says otherwise; nothing is kept on disk.
set -euo pipefail
PORTS=(${REDIS_CLUSTER_PORTS:-7001 7002 7003})
DIR=${TMPDIR:-/tmp}/starling-redis-cluster

ping() { redis-cli -h 127.0.0.1 -p "$1" ping 2>/dev/null | grep -q PONG; }
healthy() { redis-cli -h 127.0.0.1 -p "${PORTS[0]}" cluster info 2>/dev/null | grep -q 'cluster_state:ok'; }

start() {
  if healthy; then echo "redis cluster: already up on ${PORTS[*]}"; return; fi
  mkdir -p "$DIR"
  for port in "${PORTS[@]}"; do
    if ping "$port"; then continue; fi
    mkdir -p "$DIR/$port"
    rm -f "$DIR/$port/nodes.conf"
    redis-server --port "$port" --bind 127.0.0.1 --cluster-enabled yes --cluster-config-file "$DIR/$port/nodes.conf" \
      --cluster-node-timeout 5000 --save "" --appendonly no --dir "$DIR/$port" \
      --daemonize yes --pidfile "$DIR/$port/redis.pid" --logfile "$DIR/$port/redis.log"
  done
  for port in "${PORTS[@]}"; do
    for _ in $(seq 1 50); do ping "$port" && break; sleep 0.1; done
  done
  local nodes=()
  for port in "${PORTS[@]}"; do nodes+=("127.0.0.1:$port"); done
  redis-cli --cluster create "${nodes[@]}" --cluster-replicas 0 --cluster-yes >/dev/null
  for _ in $(seq 1 100); do healthy && break; sleep 0.1; done
  healthy || { echo "redis cluster: did not become healthy" >&2; exit 1; }
  echo "redis cluster: up on ${PORTS[*]}"
}

stop() {
  for port in "${PORTS[@]}"; do
    if [[ -f "$DIR/$port/redis.pid" ]]; then
      kill "$(cat "$DIR/$port/redis.pid")" 2>/dev/null || true
      rm -f "$DIR/$port/redis.pid"
    fi
  done
  echo "redis cluster: stopped"
}

case "${1:-}" in
  start) start ;;
  stop) stop ;;
  status) if healthy; then echo up; else echo down; exit 1; fi ;;
  *) echo "usage: $0 start|stop|status" >&2; exit 2 ;;
esac
