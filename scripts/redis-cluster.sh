#!/usr/bin/env bash
# A Redis Cluster on loopback, for the tests (three primaries on 7001-7003) and for scripts/cluster.sh (three
# primaries with a replica each, on 7101-7106).
#   start   start every node that is not running and create the cluster if it does not exist yet; a node that was
#           stopped or killed rejoins with its saved cluster state (a failed-over primary comes back as a replica)
#   stop    stop the servers this script started (by the pids it recorded), and forget their cluster state
#   status  say whether the cluster answers with cluster_state:ok and every primary has its replicas (exit 1 if not)
# Settings: REDIS_CLUSTER_PORTS="p1 p2 …" (default "7001 7002 7003"), REDIS_CLUSTER_REPLICAS (replicas per primary,
# default 0), REDIS_CLUSTER_DIR (default ${TMPDIR:-/tmp}/starling-redis-cluster; pid, log and cluster-config files
# live in <dir>/<port>). Each node's settings are deploy/redis/cluster-node.conf. Nothing is persisted.
set -euo pipefail
read -r -a PORTS <<<"${REDIS_CLUSTER_PORTS:-7001 7002 7003}"
REPLICAS=${REDIS_CLUSTER_REPLICAS:-0}
DIR=${REDIS_CLUSTER_DIR:-${TMPDIR:-/tmp}/starling-redis-cluster}
CONF=$(cd "$(dirname "$0")/.." && pwd)/deploy/redis/cluster-node.conf

cli() { redis-cli -h 127.0.0.1 -p "$1" "${@:2}" 2>/dev/null; }
answers() { [[ $(cli "$1" ping) == PONG ]]; }
# The cluster's view from the first node that answers (any node will do; the first one may be the one that is down).
ask() {
  for port in "${PORTS[@]}"; do
    if answers "$port"; then
      cli "$port" cluster "$@" || true
      return
    fi
  done
}
healthy() { [[ $(ask info) == *cluster_state:ok* ]]; }
# Slots already handed out: someone created the cluster and it is still converging; creating it again would fail.
assigned() { [[ $(ask info) == *cluster_slots_assigned:16384* ]]; }
# Primaries (with slots, not failed) that have fewer than REPLICAS connected replicas; prints one line per primary.
unreplicated() {
  ask nodes | awk -v want="$REPLICAS" '
    $3 ~ /master/ && $3 !~ /fail/ && $9 != "" { primary[$1] = $2 }
    $3 ~ /slave/ && $3 !~ /fail/ && $8 == "connected" { replicas[$4]++ }
    END { for (id in primary) if (replicas[id] + 0 < want) print primary[id] " has " replicas[id] + 0 " of " want " replicas" }'
}
complete() { healthy && [[ -z $(unreplicated) ]]; }

wait_for() { # wait_for <what> <command…>: up to 30 s
  local what=$1
  shift
  for _ in $(seq 1 300); do "$@" && return 0; sleep 0.1; done
  echo "redis cluster: $what did not happen within 30 s (logs in $DIR/<port>/redis.log)" >&2
  return 1
}

start() {
  mkdir -p "$DIR"
  # Two concurrent starts (say, two test runs) must not both create the cluster; the servers must not inherit the lock.
  exec 9>"$DIR/lock"
  flock 9
  if complete; then
    echo "redis cluster: already up on ${PORTS[*]}"
    return
  fi
  local fresh=true
  assigned && fresh=false
  for port in "${PORTS[@]}"; do
    answers "$port" && continue
    mkdir -p "$DIR/$port"
    # A node of a living cluster keeps its identity and rejoins; a cluster started afresh starts from nothing.
    # (A replica's copy of its primary may have been saved too: a fresh node must hold nothing.)
    [[ $fresh == true ]] && rm -f "$DIR/$port/nodes.conf" "$DIR/$port/dump.rdb"
    redis-server "$CONF" --port "$port" --cluster-config-file "$DIR/$port/nodes.conf" --dir "$DIR/$port" \
      --daemonize yes --pidfile "$DIR/$port/redis.pid" --logfile "$DIR/$port/redis.log" 9>&-
  done
  for port in "${PORTS[@]}"; do wait_for "127.0.0.1:$port answering" answers "$port"; done
  if ! assigned; then
    local nodes=()
    for port in "${PORTS[@]}"; do nodes+=("127.0.0.1:$port"); done
    redis-cli --cluster create "${nodes[@]}" --cluster-replicas "$REPLICAS" --cluster-yes >"$DIR/create.log" 2>&1 || {
      echo "redis cluster: create failed (see $DIR/create.log); '$0 stop' then '$0 start' starts afresh" >&2
      exit 1
    }
  fi
  wait_for "cluster_state:ok" healthy
  wait_for "a replica for every primary" complete
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
    rm -f "$pidfile" "$DIR/$port/nodes.conf" "$DIR/$port/dump.rdb"
  done
  echo "redis cluster: stopped"
}

case "${1:-}" in
  start) start ;;
  stop) stop ;;
  status)
    if ! healthy; then
      echo "redis cluster: down"
      exit 1
    fi
    missing=$(unreplicated)
    if [[ -n $missing ]]; then
      echo "redis cluster: up on ${PORTS[*]}, but $missing"
      exit 1
    fi
    echo "redis cluster: up on ${PORTS[*]}$( ((REPLICAS > 0)) && echo ", $REPLICAS replica(s) per primary")"
    ;;
  *)
    echo "usage: $0 start|stop|status" >&2
    exit 2
    ;;
esac
