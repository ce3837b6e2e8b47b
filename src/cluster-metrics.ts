import client from 'prom-client';
import { withinGaugeDeadline } from './gauge-deadline.js';

/** One stream of the log as the NATS cluster sees it. */
export interface StreamHealth {
  stream: string;
  configured: number;
  /** Copies that are up to date: the leader and the replicas that are current. */
  current: number;
  leader: boolean;
}

/** The Redis Cluster as one of its nodes sees it. */
export interface RedisTopology {
  /** Node ids of the primaries that serve slots and are not failed. */
  primaries: string[];
  /** Of those, the ones with no connected replica: one more failure there loses the shard until it is repaired. */
  withoutReplica: number;
  failedNodes: number;
}

/**
 * Series about the engines when Starling runs as a cluster: the PostgreSQL replica (lag, and where reads went), the
 * log's replication in NATS, and the Redis Cluster's failovers. Each gauge is read from its engine at scrape time and
 * keeps its last value if the engine does not answer (the outage shows in /readyz and in the other series).
 */
export function clusterMetrics(registers: client.Registry[]) {
  const replicaReads = new client.Counter({
    name: 'starling_db_replica_reads_total',
    help: 'Read-only queries by where they ran: the replica (caught up with the primary as the read began), or the primary because the replica was behind, down or failed the query.',
    labelNames: ['target', 'reason'] as const,
    registers,
  });
  // Redis: one look at the topology per scrape serves the failover counter and the gauges (watchRedis sets it).
  let topology: (() => Promise<RedisTopology>) | null = null;
  let knownPrimaries: Set<string> | null = null;
  let look: Promise<RedisTopology> | null = null;
  const currentTopology = () => {
    if (!topology) return Promise.reject(new Error('no Redis Cluster watched'));
    look ??= withinGaugeDeadline(topology())
      .then((t) => {
        // A primary that was not one before is a promoted replica; the first look only sets the baseline.
        if (knownPrimaries) failovers.inc(t.primaries.filter((id) => !knownPrimaries?.has(id)).length);
        knownPrimaries = new Set(t.primaries);
        return t;
      })
      .finally(() => setImmediate(() => (look = null)));
    return look;
  };
  const failovers = new client.Counter({
    name: 'starling_redis_failovers_total',
    help: 'Redis Cluster primaries seen that were not primaries at the previous look: replicas promoted in a failover.',
    registers,
    async collect() {
      // Looked at before it is reported, so a failover since the last scrape shows in this one.
      if (topology) await currentTopology().catch(() => undefined);
    },
  });

  return {
    replicaReads,
    watchReplica(status: () => { up: boolean; lagSeconds: number | null }) {
      new client.Gauge({
        name: 'starling_db_replica_up',
        help: 'Whether the PostgreSQL read replica answered its last check (1) or not (0; reads then go to the primary).',
        registers,
        collect() {
          this.set(status().up ? 1 : 0);
        },
      });
      new client.Gauge({
        name: 'starling_db_replica_lag_seconds',
        help: 'Replication lag of the PostgreSQL read replica: the age of its last replayed commit while WAL is left to replay, 0 when it has replayed everything.',
        registers,
        collect() {
          const { lagSeconds } = status();
          if (lagSeconds !== null) this.set(lagSeconds);
        },
      });
    },
    watchStreams(health: () => Promise<StreamHealth[]>) {
      // One look per scrape serves all three gauges.
      let look: Promise<StreamHealth[]> | null = null;
      const streams = () => {
        look ??= withinGaugeDeadline(health()).finally(() => setImmediate(() => (look = null)));
        return look;
      };
      const gauge = (name: string, help: string, value: (s: StreamHealth) => number) =>
        new client.Gauge({
          name,
          help,
          labelNames: ['stream'] as const,
          registers,
          async collect() {
            try {
              for (const s of await streams()) this.set({ stream: s.stream }, value(s));
            } catch {
              // Left as they were.
            }
          },
        });
      gauge(
        'starling_log_stream_replicas_configured',
        'Copies of each log stream the NATS cluster is asked to keep.',
        (s) => s.configured,
      );
      gauge(
        'starling_log_stream_replicas_current',
        'Copies of each log stream that are up to date (leader included).',
        (s) => s.current,
      );
      gauge(
        'starling_log_stream_leader',
        'Whether each log stream has a leader (1) and so accepts publishes and serves consumers.',
        (s) => (s.leader ? 1 : 0),
      );
    },
    watchRedis(source: () => Promise<RedisTopology>) {
      topology = source;
      const gauge = (name: string, help: string, value: (t: RedisTopology) => number) =>
        new client.Gauge({
          name,
          help,
          registers,
          async collect() {
            try {
              this.set(value(await currentTopology()));
            } catch {
              // Left as it was.
            }
          },
        });
      gauge('starling_redis_primaries', 'Redis Cluster primaries serving slots.', (t) => t.primaries.length);
      gauge(
        'starling_redis_primaries_without_replica',
        'Redis Cluster primaries with no connected replica.',
        (t) => t.withoutReplica,
      );
      gauge(
        'starling_redis_failed_nodes',
        'Redis Cluster nodes the cluster marks as failed.',
        (t) => t.failedNodes,
      );
    },
  };
}
