import client from 'prom-client';
import { clusterMetrics } from './cluster-metrics.js';
import type { DomainEvent, EventStream } from './domain/events.js';
import { decomposeSnowflake } from './domain/snowflake.js';
import { withinGaugeDeadline } from './gauge-deadline.js';

/**
 * The design's monitoring table as Prometheus metrics. One registry per process: an `api` process fills the read,
 * write, cache and HTTP series; a `fanout` process the lag, consumer and outbox series; embedded mode all of them.
 */
export function createMetrics() {
  const registry = new client.Registry();
  client.collectDefaultMetrics({ register: registry, prefix: 'starling_' });
  const registers = [registry];
  const ms = (values: number[]) => values.map((v) => v / 1_000);

  const metrics = {
    registry,
    ...clusterMetrics(registers),
    timelineRead: new client.Histogram({
      name: 'starling_timeline_read_duration_seconds',
      help: 'Home timeline read latency, by where the skeleton came from: hit (cache), miss (rebuilt), fallback (cache failed, pulled from the database).',
      labelNames: ['source'] as const,
      buckets: ms([1, 2.5, 5, 10, 25, 50, 100, 250, 500, 1_000, 2_500]),
      registers,
    }),
    cacheHits: new client.Counter({
      name: 'starling_timeline_cache_hits_total',
      help: 'Home timeline reads served from a cached timeline.',
      registers,
    }),
    cacheMisses: new client.Counter({
      name: 'starling_timeline_cache_misses_total',
      help: 'Home timeline reads that found no cached timeline (rebuilt from the database) or a failing cache.',
      registers,
    }),
    tweetWrite: new client.Histogram({
      name: 'starling_tweet_write_duration_seconds',
      help: 'Latency of posting a tweet (validation, id, one statement writing it with its outbox row).',
      buckets: ms([1, 2.5, 5, 10, 25, 50, 100, 300, 1_000, 3_000]),
      registers,
    }),
    fanoutLag: new client.Histogram({
      name: 'starling_fanout_lag_seconds',
      help: "Time from a tweet's Snowflake timestamp to its last timeline insert, by stream.",
      labelNames: ['stream'] as const,
      buckets: [0.01, 0.05, 0.1, 0.25, 0.5, 1, 2.5, 5, 10, 30, 60, 120, 300],
      registers,
    }),
    timelineInserts: new client.Counter({
      name: 'starling_timeline_inserts_total',
      help: 'Entries written into cached timelines by fanout.',
      registers,
    }),
    fanoutEvents: new client.Counter({
      name: 'starling_fanout_events_total',
      help: 'Events handled by fanout workers, by stream and outcome (applied, or failed and handed back to the log).',
      labelNames: ['stream', 'outcome'] as const,
      registers,
    }),
    graphQuery: new client.Histogram({
      name: 'starling_graph_query_duration_seconds',
      help: 'Follower-graph query latency, by query.',
      labelNames: ['query'] as const,
      buckets: ms([0.5, 1, 2.5, 5, 10, 25, 50, 100, 200, 500, 1_000]),
      registers,
    }),
    httpRequests: new client.Counter({
      name: 'starling_http_requests_total',
      help: 'HTTP requests, by route template, method and status code.',
      labelNames: ['route', 'method', 'status'] as const,
      registers,
    }),
    httpDuration: new client.Histogram({
      name: 'starling_http_request_duration_seconds',
      help: 'HTTP request latency, by route template and method.',
      labelNames: ['route', 'method'] as const,
      buckets: ms([1, 2.5, 5, 10, 25, 50, 100, 250, 500, 1_000, 2_500]),
      registers,
    }),

    /**
     * Gauges read from the log and the outbox when scraped, each within the gauge deadline (gauge-deadline.ts): a dependency that is
     * down or slow never holds up the scrape. Then the gauge keeps its last value, and
     * `starling_worker_gauge_age_seconds` says how old the value served is (0 when read by this scrape).
     */
    watchWorkers(sources: {
      pending: (stream: EventStream) => Promise<number>;
      deadLettered: () => Promise<number>;
      backlog: () => Promise<number>;
    }) {
      const pending = new client.Gauge({
        name: 'starling_log_consumer_pending',
        help: 'Log messages published and not yet acknowledged by the fanout consumers (consumer lag), by stream.',
        labelNames: ['stream'] as const,
        registers,
        collect: () => sampled(),
      });
      const dead = new client.Gauge({
        name: 'starling_log_dead_lettered',
        help: 'Events moved to the dead-letter place after failing every delivery.',
        registers,
        collect: () => sampled(),
      });
      const backlog = new client.Gauge({
        name: 'starling_outbox_backlog',
        help: 'Committed events whose fanout is not yet acknowledged (grows while the log is unreachable).',
        registers,
        collect: () => sampled(),
      });
      const age = new client.Gauge({
        name: 'starling_worker_gauge_age_seconds',
        help: 'Age of the oldest value the log gauges (source "log": NATS) or the outbox gauge (source "outbox": PostgreSQL) serve: 0 when read by this scrape, growing while the source does not answer.',
        labelNames: ['source'] as const,
        registers,
        collect: () => sampled(),
      });
      // When each series was last read, by source (NaN until it has been read once).
      const lastRead = { log: new Map<string, number>(), outbox: new Map<string, number>() };
      const read = async (
        scrape: number,
        source: keyof typeof lastRead,
        series: string,
        value: Promise<number>,
        set: (value: number) => void,
      ) => {
        const reads = lastRead[source];
        if (await settle(value, set)) reads.set(series, scrape);
        else if (!reads.has(series)) reads.set(series, Number.NaN);
      };
      // One round of reads per scrape, shared by the four gauges' collects (prom-client runs them at once).
      let inFlight: Promise<void> | null = null;
      const sampled = () => {
        inFlight ??= (async () => {
          const scrape = Date.now();
          await Promise.all([
            ...(['fanout', 'celebrity'] as const).map((stream) =>
              read(scrape, 'log', `pending:${stream}`, sources.pending(stream), (v) =>
                pending.set({ stream }, v),
              ),
            ),
            read(scrape, 'log', 'dead', sources.deadLettered(), (v) => dead.set(v)),
            read(scrape, 'outbox', 'backlog', sources.backlog(), (v) => backlog.set(v)),
          ]);
          const end = Date.now();
          for (const [source, reads] of Object.entries(lastRead)) {
            const ages = [...reads.values()].map((at) => (at === scrape ? 0 : (end - at) / 1_000));
            age.set({ source }, Math.max(...ages));
          }
        })().finally(() => {
          inFlight = null;
        });
        return inFlight;
      };
    },
  };
  return metrics;
}

export type Metrics = ReturnType<typeof createMetrics>;

/**
 * A gauge read from a dependency keeps its last value while that dependency is down or slow, so one unreachable
 * server never fails or delays the whole scrape (the outage shows in /readyz and in the gauges' age). Says whether
 * the value was read.
 */
async function settle(value: Promise<number>, set: (value: number) => void): Promise<boolean> {
  try {
    set(await withinGaugeDeadline(value));
    return true;
  } catch {
    return false;
  }
}

/**
 * Wraps every method of a store so each call is timed into `histogram` under the method's name: the follower-graph
 * latency the design asks to watch, without touching the store.
 */
export function timed<T extends object>(target: T, histogram: client.Histogram<'query'>): T {
  return new Proxy(target, {
    get(object, property, receiver) {
      const value = Reflect.get(object, property, receiver);
      if (typeof value !== 'function' || typeof property !== 'string') return value;
      return async (...args: unknown[]) => {
        const end = histogram.startTimer({ query: property });
        try {
          return await value.apply(object, args);
        } finally {
          end();
        }
      };
    },
  });
}

/** Records a home read: its latency by source, and the cache hit or miss. */
export function observeTimelineRead(
  metrics: Metrics,
  read: { source: 'hit' | 'miss' | 'fallback'; seconds: number },
) {
  metrics.timelineRead.observe({ source: read.source }, read.seconds);
  if (read.source === 'hit') metrics.cacheHits.inc();
  else metrics.cacheMisses.inc();
}

/** Times every post. */
export function instrumentPosting<T extends { post: (...args: never[]) => Promise<unknown> }>(
  service: T,
  metrics: Metrics,
): T {
  const post = service.post.bind(service) as T['post'];
  return {
    ...service,
    post: (async (...args: Parameters<T['post']>) => {
      const end = metrics.tweetWrite.startTimer();
      try {
        return await post(...args);
      } finally {
        end();
      }
    }) as T['post'],
  };
}

/** Records an applied (or failed) fanout event; a tweet's lag runs from its Snowflake time to now. */
export function observeFanout(
  metrics: Metrics,
  clock: { now(): number },
  stream: EventStream,
  message: { event: DomainEvent },
  outcome: { deliveries: number } | { error: unknown },
) {
  if ('error' in outcome) {
    metrics.fanoutEvents.inc({ stream, outcome: 'failed' });
    return;
  }
  metrics.fanoutEvents.inc({ stream, outcome: 'applied' });
  const { event } = message;
  if (event.type !== 'tweet.created') return;
  metrics.timelineInserts.inc(outcome.deliveries);
  const lagMs = clock.now() - decomposeSnowflake(event.tweetId).timestampMs;
  metrics.fanoutLag.observe({ stream }, Math.max(0, lagMs) / 1_000);
}

/** Counts and times a finished HTTP request. */
export function observeHttp(
  metrics: Metrics,
  request: { route: string; method: string; status: number; seconds: number },
) {
  metrics.httpRequests.inc({ route: request.route, method: request.method, status: String(request.status) });
  metrics.httpDuration.observe({ route: request.route, method: request.method }, request.seconds);
}
