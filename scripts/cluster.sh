#!/usr/bin/env bash
# Starling as a cluster on one machine, from Debian's packages and the configuration in deploy/:
#   HAProxy on 127.0.0.1:8080 (stats on 8404) → three `starling api` processes (3101-3103)
#   two `starling fanout` processes (metrics on 9471, 9472)
#   a three-node NATS JetStream cluster (clients 4231-4233), every stream at three replicas
#   a Redis Cluster of three primaries with a replica each (7101-7106)
#   PostgreSQL: a primary (5441) and a streaming replica made from it with pg_basebackup (5442)
#
#   start   start every part that is not running (so it also heals a cluster after a fault); the first start
#           creates the databases and the Redis Cluster
#   stop    stop every process this script started, by the pids it recorded; data stays for the next start
#   status  check every part; exit 1 if any is not healthy
#   reset   stop, then delete every byte of state (the next start begins afresh)
#   kill <part>   a fault drill: kill -9 one process by its recorded pid (api1-3, fanout1-2, nats1-3, haproxy,
#           redis<port>) or stop the PostgreSQL replica at once (postgres-replica); `start` brings it back
# State, pids and logs live in STARLING_CLUSTER_DIR (default ${TMPDIR:-/tmp}/starling-cluster). The PostgreSQL
# clusters are this script's own; the system's PostgreSQL, Redis and NATS are never touched.
set -euo pipefail
ROOT=$(cd "$(dirname "$0")/.." && pwd)
DIR=${STARLING_CLUSTER_DIR:-${TMPDIR:-/tmp}/starling-cluster}
API_PORTS=(3101 3102 3103)
FANOUT_PORTS=(9471 9472)
NATS_NODES=(1 2 3)
export REDIS_CLUSTER_PORTS="7101 7102 7103 7104 7105 7106" REDIS_CLUSTER_REPLICAS=1 REDIS_CLUSTER_DIR=$DIR/redis
PG_PRIMARY=5441
PG_REPLICA=5442
PG_DIR=$DIR/postgres
SLOT=starling_replica

say() { echo "cluster: $*"; }
fail() {
  echo "cluster: $*" >&2
  exit 1
}
port_open() { (exec 3<>"/dev/tcp/127.0.0.1/$1") 2>/dev/null; }
wait_for() { # wait_for <what> <seconds> <command…>
  local what=$1 seconds=$2
  shift 2
  for _ in $(seq 1 $((seconds * 10))); do "$@" && return 0; sleep 0.1; done
  fail "$what did not happen within $seconds s (logs in $DIR)"
}
# GET a URL with Node (always there; curl may not be): prints the body, fails unless the status is 2xx.
http_get() {
  node -e 'fetch(process.argv[1], { signal: AbortSignal.timeout(2000) }).then(async (r) => {
    process.stdout.write(await r.text()); process.exit(r.ok ? 0 : 1) }, () => process.exit(1))' "$1"
}
# A process we started is alive if its recorded pid runs the command we started.
alive() { # alive <pidfile> <command substring>
  [[ -f $1 ]] && grep -qa -- "$2" "/proc/$(cat "$1")/cmdline" 2>/dev/null
}
stop_pid() { # stop_pid <pidfile> <command substring>
  if alive "$1" "$2"; then
    local pid
    pid=$(cat "$1")
    kill "$pid"
    for _ in $(seq 1 100); do kill -0 "$pid" 2>/dev/null || break; sleep 0.1; done
    kill -0 "$pid" 2>/dev/null && kill -9 "$pid"
  fi
  rm -f "$1"
}

# ---- packages ----
need() { # need <command> <Debian package>
  command -v "$1" >/dev/null && return
  [[ $EUID -eq 0 ]] || fail "$1 is missing: apt-get install $2"
  say "installing $2"
  apt-get install -y -qq --no-install-recommends "$2" >/dev/null ||
    { apt-get update -qq && apt-get install -y -qq --no-install-recommends "$2" >/dev/null; }
}
packages() {
  need haproxy haproxy
  need nats-server nats-server
  need redis-server redis-server
  need redis-cli redis-tools
  [[ -n $(pg_bin) ]] || need /usr/lib/postgresql/15/bin/initdb postgresql
}
pg_bin() { find /usr/lib/postgresql -maxdepth 2 -name bin 2>/dev/null | sort -V | tail -1; }

# ---- PostgreSQL ----
# PostgreSQL refuses to run as root: as root, its commands run as the postgres user Debian's package creates.
as_pg() { if [[ $EUID -eq 0 ]]; then runuser -u postgres -- "$@"; else "$@"; fi; }
psql_at() { as_pg "$(pg_bin)/psql" -h 127.0.0.1 -p "$1" -U postgres -d postgres -Atqc "$2"; }
pg_up() { as_pg "$(pg_bin)/pg_isready" -q -h 127.0.0.1 -p "$1"; }
pg_start() { # pg_start <data dir> <port>
  pg_up "$2" && return
  as_pg "$(pg_bin)/pg_ctl" -D "$1" -l "$1.log" -w -t 60 start >/dev/null 8>&-
}
postgres_start() {
  local bin
  bin=$(pg_bin)
  mkdir -p "$PG_DIR"
  if [[ $EUID -eq 0 ]]; then
    chown postgres: "$PG_DIR"
    as_pg test -x "$PG_DIR" || fail "the postgres user cannot reach $PG_DIR: every folder above it must be o+x"
  fi
  if [[ ! -f $PG_DIR/primary/PG_VERSION ]]; then
    say "creating the PostgreSQL primary"
    as_pg "$bin/initdb" -D "$PG_DIR/primary" -U postgres --auth=trust -E UTF8 >"$PG_DIR/initdb.log"
    install -m 0644 "$ROOT/deploy/postgresql/primary.conf" "$PG_DIR/primary/starling.conf"
    [[ $EUID -eq 0 ]] && chown postgres: "$PG_DIR/primary/starling.conf"
    echo "include 'starling.conf'" >>"$PG_DIR/primary/postgresql.conf"
  fi
  pg_start "$PG_DIR/primary" "$PG_PRIMARY"
  [[ $(psql_at "$PG_PRIMARY" "SELECT 1 FROM pg_database WHERE datname = 'starling'") == 1 ]] ||
    psql_at "$PG_PRIMARY" "CREATE DATABASE starling"
  if [[ ! -f $PG_DIR/replica/PG_VERSION ]]; then
    say "making the PostgreSQL replica (pg_basebackup)"
    # A slot left by an earlier replica would keep WAL for nobody; the new copy gets a new one.
    psql_at "$PG_PRIMARY" "SELECT pg_drop_replication_slot('$SLOT') FROM pg_replication_slots
      WHERE slot_name = '$SLOT'" >/dev/null
    as_pg "$bin/pg_basebackup" -h 127.0.0.1 -p "$PG_PRIMARY" -U postgres -D "$PG_DIR/replica" \
      -R -X stream -C -S "$SLOT" -c fast
    install -m 0644 "$ROOT/deploy/postgresql/replica.conf" "$PG_DIR/replica/starling.conf"
    [[ $EUID -eq 0 ]] && chown postgres: "$PG_DIR/replica/starling.conf"
  fi
  pg_start "$PG_DIR/replica" "$PG_REPLICA"
}
postgres_stop() {
  for node in replica primary; do
    [[ -f $PG_DIR/$node/postmaster.pid ]] && as_pg "$(pg_bin)/pg_ctl" -D "$PG_DIR/$node" -m fast -w stop >/dev/null
  done
  return 0
}
postgres_status() {
  pg_up "$PG_PRIMARY" || { echo "postgres primary ($PG_PRIMARY): down"; return 1; }
  echo "postgres primary ($PG_PRIMARY): up"
  pg_up "$PG_REPLICA" || { echo "postgres replica ($PG_REPLICA): down"; return 1; }
  local state
  state=$(psql_at "$PG_PRIMARY" "SELECT state || ', ' || pg_wal_lsn_diff(pg_current_wal_lsn(), replay_lsn) ||
    ' bytes behind' FROM pg_stat_replication WHERE application_name = 'walreceiver' LIMIT 1")
  [[ $state == streaming* ]] || { echo "postgres replica ($PG_REPLICA): not streaming (${state:-no sender})"; return 1; }
  echo "postgres replica ($PG_REPLICA): $state"
}

# ---- NATS ----
nats_start() {
  mkdir -p "$DIR/nats"
  for n in "${NATS_NODES[@]}"; do
    alive "$DIR/nats/$n.pid" nats-server && continue
    setsid nats-server -c "$ROOT/deploy/nats/node-$n.conf" -sd "$DIR/nats/$n" -P "$DIR/nats/$n.pid" \
      -l "$DIR/nats/$n.log" </dev/null >/dev/null 2>&1 8>&- &
  done
  for n in "${NATS_NODES[@]}"; do wait_for "NATS node $n answering" 30 http_get "http://127.0.0.1:823$n/healthz" >/dev/null; done
}
nats_stop() { for n in "${NATS_NODES[@]}"; do stop_pid "$DIR/nats/$n.pid" nats-server; done; }
nats_status() {
  local ok=0
  for n in "${NATS_NODES[@]}"; do
    if http_get "http://127.0.0.1:823$n/healthz" >/dev/null; then echo "nats node $n (423$n): up"; else
      echo "nats node $n (423$n): down"
      ok=1
    fi
  done
  # Every stream: its configured replicas, how many are current, and whether it has a leader. Each node reports the
  # streams it holds (a leader sees its followers), so the leader's view of each stream is the one kept.
  local views=()
  for n in "${NATS_NODES[@]}"; do views+=("starling-nats-$n" "$(http_get "http://127.0.0.1:823$n/jsz?accounts=true&streams=true&config=true" || echo '{}')"); done
  node -e 'const streams = new Map();
    for (let i = 1; i < process.argv.length; i += 2) {
      const [server, jsz] = [process.argv[i], JSON.parse(process.argv[i + 1])];
      for (const s of (jsz.account_details ?? []).flatMap((a) => a.stream_detail ?? []))
        if (!streams.has(s.name) || s.cluster?.leader === server) streams.set(s.name, s);
    }
    if (streams.size === 0) console.log("nats streams: none yet (the fanout processes create them)");
    let bad = 0;
    for (const s of streams.values()) {
      const want = s.config.num_replicas, peers = s.cluster?.replicas ?? [];
      const current = (s.cluster?.leader ? 1 : 0) + peers.filter((p) => p.current).length;
      if (!s.cluster?.leader || current < want) bad = 1;
      console.log(`nats stream ${s.name}: ${current} of ${want} replicas current, leader ${s.cluster?.leader ?? "none"}`);
    }
    process.exit(bad)' "${views[@]}" || ok=1
  return $ok
}

# ---- Starling processes and HAProxy ----
starling_env() {
  while IFS='=' read -r key value; do
    [[ -z $key || $key == \#* ]] || export "$key=$value"
  done <"$ROOT/deploy/starling.env"
}
starling_start() { # starling_start <role> <name> <port variable>=<port>
  local role=$1 name=$2 portvar=$3
  alive "$DIR/starling/$name.pid" "bin/starling.js" && return
  mkdir -p "$DIR/starling"
  env "$portvar" setsid node "$ROOT/bin/starling.js" "$role" </dev/null >>"$DIR/starling/$name.log" 2>&1 8>&- &
  echo $! >"$DIR/starling/$name.pid"
}
starling_processes_start() {
  # The processes run the built package: build it if it is missing or older than the source.
  if [[ ! -f $ROOT/dist/.tsbuildinfo || -n $(find "$ROOT/src" -newer "$ROOT/dist/.tsbuildinfo" -print -quit) ]]; then
    say "building"
    (cd "$ROOT" && npm run -s build)
  fi
  starling_env
  # The caller's own settings (STARLING_RATE_LIMITS=off …) are kept when the processes are first started, and a
  # process brought back later by `start` runs with them too, like its siblings, whatever the caller's now.
  local running=false
  for pidfile in "$DIR"/starling/*.pid; do alive "$pidfile" "bin/starling.js" && running=true; done
  mkdir -p "$DIR/starling"
  if [[ $running == false || ! -f $DIR/starling/settings.env ]]; then
    env | grep -E '^(STARLING_|LOG_LEVEL=)' | grep -vE "^(STARLING_NATS_REPLICAS|STARLING_TRUST_PROXY|STARLING_METRICS_PORT)=" \
      >"$DIR/starling/settings.env" || true
  fi
  while IFS= read -r line; do export "${line?}"; done <"$DIR/starling/settings.env"
  node "$ROOT/bin/starling.js" migrate >/dev/null
  for i in "${!FANOUT_PORTS[@]}"; do starling_start fanout "fanout$((i + 1))" "STARLING_METRICS_PORT=${FANOUT_PORTS[$i]}"; done
  for i in "${!API_PORTS[@]}"; do starling_start api "api$((i + 1))" "PORT=${API_PORTS[$i]}"; done
  for port in "${FANOUT_PORTS[@]}" "${API_PORTS[@]}"; do
    wait_for "the Starling process on $port to be ready" 60 http_get "http://127.0.0.1:$port/readyz" >/dev/null
  done
}
starling_processes_stop() {
  for pidfile in "$DIR"/starling/*.pid; do [[ -e $pidfile ]] && stop_pid "$pidfile" "bin/starling.js"; done
  return 0
}
starling_status() {
  local ok=0
  for i in "${!API_PORTS[@]}"; do
    if http_get "http://127.0.0.1:${API_PORTS[$i]}/readyz" >/dev/null; then echo "api$((i + 1)) (${API_PORTS[$i]}): ready"; else
      echo "api$((i + 1)) (${API_PORTS[$i]}): not ready"
      ok=1
    fi
  done
  for i in "${!FANOUT_PORTS[@]}"; do
    if http_get "http://127.0.0.1:${FANOUT_PORTS[$i]}/readyz" >/dev/null; then echo "fanout$((i + 1)) (${FANOUT_PORTS[$i]}): ready"; else
      echo "fanout$((i + 1)) (${FANOUT_PORTS[$i]}): not ready"
      ok=1
    fi
  done
  return $ok
}
haproxy_start() {
  alive "$DIR/haproxy.pid" haproxy && return
  haproxy -c -q -f "$ROOT/deploy/haproxy.cfg" || fail "deploy/haproxy.cfg does not check"
  setsid haproxy -db -f "$ROOT/deploy/haproxy.cfg" </dev/null >>"$DIR/haproxy.log" 2>&1 8>&- &
  echo $! >"$DIR/haproxy.pid"
  wait_for "HAProxy on 8080" 10 http_get http://127.0.0.1:8080/readyz >/dev/null
  wait_for "HAProxy to have every api process in rotation" 15 haproxy_status >/dev/null
}
haproxy_status() {
  local csv
  csv=$(http_get "http://127.0.0.1:8404/stats;csv") || { echo "haproxy (8080): down"; return 1; }
  local up
  up=$(awk -F, '$1 == "api" && $2 ~ /^api/ && $18 == "UP" { n++ } END { print n + 0 }' <<<"$csv")
  echo "haproxy (8080): up, $up of ${#API_PORTS[@]} api processes in rotation"
  [[ $up -eq ${#API_PORTS[@]} ]]
}

start() {
  mkdir -p "$DIR"
  # One start at a time (a test healing the cluster while another starts it); every long-lived process started
  # below gets 8>&-, or it would hold the lock for as long as it runs.
  exec 8>"$DIR/lock"
  flock 8
  packages
  postgres_start
  "$ROOT/scripts/redis-cluster.sh" start >/dev/null 8>&-
  nats_start
  starling_processes_start
  haproxy_start
  # A process just started takes a moment to be back in HAProxy's rotation, a NATS node to catch its streams up.
  wait_for "every part healthy (scripts/cluster.sh status says which is not)" 60 status >/dev/null
  say "up: http://127.0.0.1:8080 (HAProxy stats on http://127.0.0.1:8404/stats)"
}
stop() {
  stop_pid "$DIR/haproxy.pid" haproxy
  starling_processes_stop
  nats_stop
  "$ROOT/scripts/redis-cluster.sh" stop >/dev/null
  postgres_stop
  say "stopped"
}
status() {
  local ok=0
  haproxy_status || ok=1
  starling_status || ok=1
  nats_status || ok=1
  "$ROOT/scripts/redis-cluster.sh" status || ok=1
  postgres_status || ok=1
  if [[ $ok -eq 0 ]]; then say "every part healthy"; else say "not healthy"; fi
  return $ok
}

kill_part() {
  local part=${1:-} pidfile
  case $part in
    api[1-3] | fanout[1-2]) pidfile=$DIR/starling/$part.pid ;;
    nats[1-3]) pidfile=$DIR/nats/${part#nats}.pid ;;
    haproxy) pidfile=$DIR/haproxy.pid ;;
    redis7[0-9][0-9][0-9]) pidfile=$DIR/redis/${part#redis}/redis.pid ;;
    postgres-replica)
      as_pg "$(pg_bin)/pg_ctl" -D "$PG_DIR/replica" -m immediate -w stop >/dev/null
      say "stopped the PostgreSQL replica"
      return
      ;;
    *) fail "kill what? api1-3, fanout1-2, nats1-3, haproxy, redis<port>, postgres-replica" ;;
  esac
  [[ -f $pidfile ]] || fail "$part: no pid recorded"
  local pid
  pid=$(cat "$pidfile")
  # Only a process this script started: its pid file names it, and it is still running what was started.
  [[ $(ps -o comm= -p "$pid" 2>/dev/null) =~ ^(node|nats-server|haproxy|redis-server) ]] || fail "$part is not running"
  kill -9 "$pid"
  say "killed $part (pid $pid)"
}

case "${1:-}" in
  start) start ;;
  kill) kill_part "${2:-}" ;;
  stop) stop ;;
  status) status ;;
  reset)
    stop
    rm -rf "$DIR"
    ;;
  *)
    echo "usage: $0 start|stop|status|reset" >&2
    exit 2
    ;;
esac
