import { randomUUID } from 'node:crypto';
import { mkdir } from 'node:fs/promises';
import { hostname } from 'node:os';
import pino from 'pino';
import { MemoryEventLog } from './adapters/memory/memory-event-log.js';
import { MemoryTimelineCache } from './adapters/memory/memory-timeline-cache.js';
import { openPgliteClient } from './adapters/pglite/pglite-client.js';
import { openPgClient } from './adapters/postgres/pg-client.js';
import { SqlAccountStore } from './adapters/sql/account-store.js';
import { SqlGraphStore } from './adapters/sql/graph-store.js';
import { migrate } from './adapters/sql/migrate.js';
import { SqlOutbox } from './adapters/sql/outbox.js';
import type { SqlClient } from './adapters/sql/sql-client.js';
import { SqlTweetStore } from './adapters/sql/tweet-store.js';
import { SqlWorkerLeases } from './adapters/sql/worker-leases.js';
import { systemClock } from './adapters/system/system-clock.js';
import type { Config } from './config.js';
import { SnowflakeGenerator } from './domain/snowflake.js';
import { type Api, createHttpServer } from './http/server.js';
import {
  createMetrics,
  instrumentPosting,
  type Metrics,
  observeFanout,
  observeHttp,
  observeTimelineRead,
  timed,
} from './metrics.js';
import type { Clock } from './ports/clock.js';
import type { EventLog } from './ports/event-log.js';
import type { TimelineCache } from './ports/timeline-cache.js';
import type { WorkerLeases } from './ports/worker-lease.js';
import { createAccountService } from './services/accounts.js';
import { createCelebrityDirectory } from './services/celebrities.js';
import { createFanoutService } from './services/fanout.js';
import { createFollowService } from './services/follows.js';
import { createTimelineService } from './services/timeline.js';
import { createTweetService } from './services/tweets.js';
import { createFanoutWorker } from './workers/fanout-worker.js';
import { createOutboxRelay } from './workers/outbox-relay.js';
import { createWorkerRunner, type WorkerRunner } from './workers/runner.js';

/** What a process runs: everything (embedded), the HTTP API only, or the relay and fanout workers only. */
export type Role = 'all' | 'api' | 'fanout';

export interface AppOptions {
  role: Role;
  /** Injected in tests: a shared database (a fresh PGlite takes seconds) and a clock they control. */
  sql?: SqlClient;
  clock?: Clock;
  /** Injected in tests that share a Redis or NATS between workers (each under its own key or stream prefix). */
  cache?: TimelineCache;
  celebrityLists?: TimelineCache;
  log?: EventLog;
  logger?: pino.Logger | false;
}

export interface App {
  config: Config;
  http: Api;
  workers: WorkerRunner;
  sql: SqlClient;
  cache: TimelineCache;
  celebrityLists: TimelineCache;
  log: EventLog;
  metrics: Metrics;
  /** Starts the background workers of this role (the HTTP server is started by the caller). */
  start(): Promise<void>;
  close(): Promise<void>;
}

const DAY_MS = 86_400_000;
/** Tweets per followee a rebuild reads at most; with the floor rule this bounds heavy readers' rebuilds. */
const REBUILD_PER_AUTHOR = 200;
const FANOUT_PAGE_SIZE = 1_000;
/** A celebrity stays one until their followers fall this fraction below the threshold (no flapping). */
const CELEBRITY_MARGIN = 0.1;
/** Each celebrity's recent-tweets list: capped, and dropped an hour after its last read. */
const CELEBRITY_LIST_MAX = 200;
const CELEBRITY_LIST_TTL_MS = 3_600_000;

async function openDatabase(config: Config): Promise<SqlClient> {
  if (config.databaseUrl) return openPgClient({ connectionString: config.databaseUrl });
  await mkdir(config.dataDir, { recursive: true });
  return openPgliteClient(config.dataDir);
}

const LEASE_TTL_MS = 30_000;

/**
 * In services mode every process leases its Snowflake worker id from the database (the configured one, or the lowest
 * free one) and renews it; a process that loses its lease stops, rather than risk minting duplicate ids.
 */
async function leaseWorkerId(leases: WorkerLeases, config: Config, logger: pino.Logger | false) {
  const holder = `${hostname()}:${process.pid}:${randomUUID()}`;
  const workerId = await leases.acquire(holder, LEASE_TTL_MS, config.workerId);
  const timer = setInterval(() => {
    leases.renew(holder, workerId, LEASE_TTL_MS).then(
      (held) => {
        if (held) return;
        if (logger) logger.fatal({ workerId }, 'lost the Snowflake worker id lease; exiting');
        process.exit(1);
      },
      (error: unknown) => {
        if (logger) logger.warn({ err: error, workerId }, 'could not renew the worker id lease');
      },
    );
  }, LEASE_TTL_MS / 3);
  timer.unref();
  return {
    workerId,
    async release() {
      clearInterval(timer);
      await leases.release(holder, workerId).catch(() => undefined);
    },
  };
}

/** The composition root: the only place that chooses and builds adapters. */
export async function createApp(config: Config, options: AppOptions): Promise<App> {
  const clock = options.clock ?? systemClock;
  const logger = options.logger === undefined ? pino({ level: config.logLevel }) : options.logger;
  const ownsSql = options.sql === undefined;
  const sql = options.sql ?? (await openDatabase(config));
  await migrate(sql);

  const metrics = createMetrics();
  const accounts = new SqlAccountStore(sql);
  const graph = timed(
    new SqlGraphStore(sql, {
      threshold: config.celebrityThreshold,
      margin: Math.max(1, Math.floor(config.celebrityThreshold * CELEBRITY_MARGIN)),
    }),
    metrics.graphQuery,
  );
  const tweets = new SqlTweetStore(sql);
  const outbox = new SqlOutbox(sql, clock);
  const cache: TimelineCache =
    options.cache ??
    new MemoryTimelineCache({ maxEntries: config.timelineMax, ttlMs: config.activeDays * DAY_MS }, clock);
  const celebrityLists: TimelineCache =
    options.celebrityLists ??
    new MemoryTimelineCache({ maxEntries: CELEBRITY_LIST_MAX, ttlMs: CELEBRITY_LIST_TTL_MS }, clock);
  const log: EventLog = options.log ?? new MemoryEventLog(clock);
  const celebrities = createCelebrityDirectory(graph, clock, { ttlMs: 10_000, maxReaders: 100_000 });
  const lease = config.databaseUrl
    ? await leaseWorkerId(new SqlWorkerLeases(sql), config, logger)
    : undefined;
  const ids = new SnowflakeGenerator(lease?.workerId ?? config.workerId ?? 0, clock);

  const settings = {
    celebrityThreshold: config.celebrityThreshold,
    timelineMax: config.timelineMax,
    rebuildPerAuthor: REBUILD_PER_AUTHOR,
    pageSize: FANOUT_PAGE_SIZE,
    celebrityListMax: CELEBRITY_LIST_MAX,
  };
  const accountService = createAccountService({ accounts, ids, clock, scrypt: config.scrypt });
  const services = {
    accounts: accountService,
    follows: createFollowService({ accounts, accountService, graph, ids, clock, celebrities }),
    tweets: instrumentPosting(createTweetService({ tweets, accounts, accountService, ids, clock }), metrics),
    timelines: createTimelineService({
      tweets,
      accounts,
      graph,
      cache,
      celebrityLists,
      celebrities,
      settings,
      observe: (read) => {
        observeTimelineRead(metrics, read);
        if (read.error && logger)
          logger.warn({ err: read.error }, 'timeline cache failed; served from the database');
      },
    }),
  };
  const fanout = createFanoutService({ tweets, accounts, graph, cache, celebrityLists, settings });

  const runsWorkers = options.role !== 'api';
  const workers = createWorkerRunner({
    outbox,
    workers: {
      relay: runsWorkers
        ? createOutboxRelay({ outbox, log, settings: { batchSize: 500, republishAfterMs: 60_000 } })
        : undefined,
      fanout: runsWorkers
        ? (['fanout', 'celebrity'] as const).map((stream) =>
            createFanoutWorker({
              log,
              outbox,
              fanout,
              stream,
              batchSize: 100,
              observe: (message, outcome) => observeFanout(metrics, clock, stream, message, outcome),
            }),
          )
        : [],
    },
    onError: (error, where) => {
      if (logger) logger.error({ err: error, where }, 'worker step failed');
    },
  });

  if (runsWorkers) {
    metrics.watchWorkers({
      pending: (stream) => log.pending(stream),
      deadLettered: () => log.deadLettered(),
      backlog: () => outbox.backlog(),
    });
  }

  const http = createHttpServer({
    services,
    logger: logger === false ? false : logger,
    readiness: [{ name: 'database', check: async () => void (await sql.query('SELECT 1')) }],
    metrics: async () => ({
      contentType: metrics.registry.contentType,
      body: await metrics.registry.metrics(),
    }),
    observeRequest: (request) => observeHttp(metrics, request),
    rateLimits: config.rateLimits ?? undefined,
    operationsOnly: options.role === 'fanout',
  });

  return {
    config,
    http,
    workers,
    sql,
    cache,
    celebrityLists,
    log,
    async start() {
      // An in-process log forgets everything on restart, so what it held unacknowledged is published again.
      if (runsWorkers && !log.durable) await outbox.requeueUnacknowledged();
      if (runsWorkers) workers.start();
    },
    metrics,
    async close() {
      const stopping = workers.stop();
      await outbox.close();
      await log.close();
      await stopping;
      await http.close();
      await cache.close();
      await lease?.release();
      if (ownsSql) await sql.close();
    },
  };
}
