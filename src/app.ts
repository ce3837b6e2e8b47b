/*
 * The composition root (config → adapters → services → { http, workers, close() }), written by hand. It is longer
 * than the ~300 lines files keep to because it is the one place that names every part and the order they are built
 * in; the openers it calls (database, replica, Redis, log, worker lease) are small functions above createApp, and
 * spreading the rest over files would hide that order rather than shorten it.
 *
 * The adapters of services mode (pg, ioredis, NATS) and the image processor (sharp, libvips) are imported when they
 * are first needed, not with this file: an embedded start then loads none of the first, and the second only with the
 * first image; their imports were about 0.2 s of every start.
 */
import { randomUUID } from 'node:crypto';
import { readFileSync } from 'node:fs';
import { mkdir } from 'node:fs/promises';
import { hostname } from 'node:os';
import pino from 'pino';
import { FsMediaStore } from './adapters/filesystem/fs-media-store.js';
import { MemoryChangeNotices } from './adapters/memory/memory-change-notices.js';
import { MemoryEngagementCache } from './adapters/memory/memory-engagement-cache.js';
import { DEFAULT_LOG_SETTINGS, MemoryEventLog } from './adapters/memory/memory-event-log.js';
import { MemoryFollowerVersions } from './adapters/memory/memory-follower-versions.js';
import { MemorySessionRevocations } from './adapters/memory/memory-session-revocations.js';
import { MemoryTimelineCache } from './adapters/memory/memory-timeline-cache.js';
import { MemoryTimelineFeed } from './adapters/memory/memory-timeline-feed.js';
import { MemoryTweetCache } from './adapters/memory/memory-tweet-cache.js';
import { openPgliteClient } from './adapters/pglite/pglite-client.js';
import type { ReplicaRouting } from './adapters/postgres/replica-routing.js';
import type { RedisClient } from './adapters/redis/redis-connection.js';
import { SqlAccountStore } from './adapters/sql/account-store.js';
import { SqlAppStore } from './adapters/sql/app-store.js';
import { SqlCounterStore } from './adapters/sql/counter-store.js';
import { SqlFanoutModes } from './adapters/sql/fanout-modes.js';
import { SqlGraphStore } from './adapters/sql/graph-store.js';
import { SqlMarkerStore } from './adapters/sql/marker-store.js';
import { SqlMediaAttachments } from './adapters/sql/media-attachments.js';
import { migrate } from './adapters/sql/migrate.js';
import { SqlNotificationStore } from './adapters/sql/notification-store.js';
import { SqlOutbox } from './adapters/sql/outbox.js';
import { SqlSearchIndex } from './adapters/sql/search-index.js';
import type { SqlClient } from './adapters/sql/sql-client.js';
import { SqlMediaStore } from './adapters/sql/sql-media-store.js';
import { SqlTweetEdits } from './adapters/sql/tweet-edits.js';
import { SqlTweetLists } from './adapters/sql/tweet-lists.js';
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
import type { ChangeNotices } from './ports/change-notices.js';
import type { Clock } from './ports/clock.js';
import type { EngagementCache } from './ports/engagement-cache.js';
import type { EventLog } from './ports/event-log.js';
import type { ImageProcessor } from './ports/images.js';
import type { SessionRevocations } from './ports/session-revocations.js';
import type { RecentTweetLists, TimelineCache } from './ports/timeline-cache.js';
import type { TimelineFeed } from './ports/timeline-feed.js';
import type { TweetCache } from './ports/tweet-cache.js';
import type { WorkerLeases } from './ports/worker-lease.js';
import { createAccountService } from './services/accounts.js';
import { type AuthorDirectory, createAuthorDirectory } from './services/authors.js';
import { createCounterService } from './services/counters.js';
import { createEditService } from './services/edits.js';
import { createFanoutService } from './services/fanout.js';
import { createFollowerLists, DEFAULT_FOLLOWER_LIST_SETTINGS } from './services/follower-lists.js';
import { createFollowService } from './services/follows.js';
import { createInstanceService } from './services/instance.js';
import { createListService } from './services/lists.js';
import { createMediaService } from './services/media.js';
import { createNotificationService } from './services/notifications.js';
import { createOAuthService } from './services/oauth.js';
import { createProfileService } from './services/profiles.js';
import { createSearchService } from './services/search.js';
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
  celebrityLists?: RecentTweetLists;
  tweetCache?: TweetCache;
  engagementCache?: EngagementCache;
  log?: EventLog;
  /** Revoked sessions, told to every process; in-process unless given (tests share one between two apps). */
  revocations?: SessionRevocations;
  /** Live timeline changes for the streaming API; in-process unless given. */
  feed?: TimelineFeed;
  /**
   * Wraps the adapters this root built (or was given) before anything uses them: fault tests put a gate in a real
   * process's timeline cache or log, to stop or kill it at an exact point.
   */
  decorate?: { cache?: (cache: TimelineCache) => TimelineCache; log?: (log: EventLog) => EventLog };
  /** Notices of changed profiles to every api process; in-process unless given. */
  notices?: ChangeNotices;
  logger?: pino.Logger | false;
}

export interface App {
  config: Config;
  http: Api;
  /** `/metrics`, `/readyz` and `/healthz` on a port of their own (`STARLING_METRICS_PORT`), apart from the API's. */
  ops: Api | undefined;
  workers: WorkerRunner;
  sql: SqlClient;
  cache: TimelineCache;
  celebrityLists: RecentTweetLists;
  engagementCache: EngagementCache;
  log: EventLog;
  feed: TimelineFeed;
  notices: ChangeNotices;
  metrics: Metrics;
  /** Starts the background workers of this role (the HTTP server is started by the caller). */
  start(): Promise<void>;
  close(): Promise<void>;
}

const DAY_MS = 86_400_000;
/** Starling's own version, as the instance document reports it (beside the Mastodon API version it speaks). */
const STARLING_VERSION = (
  JSON.parse(readFileSync(new URL('../package.json', import.meta.url), 'utf8')) as { version: string }
).version;
/** Tweets per followee a rebuild reads at most; with the floor rule this bounds heavy readers' rebuilds. */
const REBUILD_PER_AUTHOR = 200;
/** A celebrity stays one until their followers fall this fraction below the threshold (no flapping). */
const CELEBRITY_MARGIN = 0.1;
/** Each celebrity's recent-tweets list: capped, and dropped an hour after its last read. */
const CELEBRITY_LIST_MAX = 200;
const CELEBRITY_LIST_TTL_MS = 3_600_000;

async function openDatabase(config: Config): Promise<SqlClient> {
  if (config.databaseUrl) {
    const { openPgClient } = await import('./adapters/postgres/pg-client.js');
    return openPgClient({
      connectionString: config.databaseUrl,
      timeouts: {
        connectMs: config.timeouts.databaseConnectMs,
        statementMs: config.timeouts.databaseStatementMs,
      },
    });
  }
  await mkdir(config.dataDir, { recursive: true });
  return openPgliteClient(config.dataDir);
}

/**
 * The read replica, when there is one, bounded like the primary: a lost replica costs a read one quick failure, never
 * a hang (the read then goes to the primary).
 */
async function openReplica(
  config: Config,
  primary: SqlClient,
  metrics: Metrics,
): Promise<ReplicaRouting | undefined> {
  if (!config.databaseUrl || !config.databaseReplicaUrl) return undefined;
  const [{ openPgClient }, { createReplicaRouting }] = await Promise.all([
    import('./adapters/postgres/pg-client.js'),
    import('./adapters/postgres/replica-routing.js'),
  ]);
  const replica = openPgClient({
    connectionString: config.databaseReplicaUrl,
    timeouts: {
      connectMs: config.timeouts.databaseConnectMs,
      statementMs: config.timeouts.databaseStatementMs,
    },
  });
  return createReplicaRouting({
    primary,
    replica,
    observe: (target, reason) => metrics.replicaReads.inc({ target, reason }),
  });
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

/** The Redis adapters' modules, as one set of names. */
async function loadRedisAdapters() {
  const [connection, notices, engagement, followers, revocations, timelines, feed, topology, tweets] =
    await Promise.all([
      import('./adapters/redis/redis-connection.js'),
      import('./adapters/redis/redis-change-notices.js'),
      import('./adapters/redis/redis-engagement-cache.js'),
      import('./adapters/redis/redis-follower-versions.js'),
      import('./adapters/redis/redis-session-revocations.js'),
      import('./adapters/redis/redis-timeline-cache.js'),
      import('./adapters/redis/redis-timeline-feed.js'),
      import('./adapters/redis/redis-topology.js'),
      import('./adapters/redis/redis-tweet-cache.js'),
    ]);
  return {
    ...connection,
    ...notices,
    ...engagement,
    ...followers,
    ...revocations,
    ...timelines,
    ...feed,
    ...topology,
    ...tweets,
  };
}

/**
 * Redis (or a Redis Cluster) when configured: timelines, celebrity lists, the live feed and rate limits share its
 * `client`; the rest is the Redis adapters' classes.
 */
async function openRedisFor(config: Config, logger: pino.Logger | false) {
  const target = config.redisClusterNodes
    ? { clusterNodes: config.redisClusterNodes }
    : config.redisUrl
      ? { url: config.redisUrl }
      : undefined;
  if (!target) return undefined;
  const adapters = await loadRedisAdapters();
  const client: RedisClient = adapters.openRedis(target, {
    timeoutMs: config.timeouts.redisMs,
    onError: (error: Error) => {
      if (logger) logger.warn({ err: error }, 'redis connection error');
    },
  });
  return { ...adapters, client };
}

/** NATS JetStream when configured (and this process runs the workers); otherwise the in-process log. */
async function openLog(config: Config, clock: Clock, runsWorkers: boolean): Promise<EventLog> {
  const settings = { ...DEFAULT_LOG_SETTINGS, ackWaitMs: config.timeouts.ackWaitMs };
  if (!config.natsUrl || !runsWorkers) return new MemoryEventLog(clock, settings);
  const { NatsEventLog } = await import('./adapters/nats/nats-event-log.js');
  return NatsEventLog.open({
    servers: config.natsUrl.split(',').map((server) => server.trim()),
    prefix: config.namespace,
    settings,
    timeoutMs: config.timeouts.natsMs,
    replicas: config.natsReplicas,
  });
}

/**
 * The NATS log's class, to tell a NATS log (its streams' health, its readiness check) from another, wherever one may
 * be: NATS is configured, or the log was given.
 */
async function natsLogClass(config: Config, given: EventLog | undefined) {
  if (!config.natsUrl && !given) return undefined;
  return (await import('./adapters/nats/nats-event-log.js')).NatsEventLog;
}

/** Images through sharp (libvips), loaded with the first image this process handles. */
function lazyImageProcessor(): ImageProcessor {
  let loading: Promise<ImageProcessor> | undefined;
  return {
    async process(bytes, format, shape) {
      loading ??= import('./adapters/sharp/sharp-images.js').then(
        ({ SharpImageProcessor }) => new SharpImageProcessor(),
      );
      return (await loading).process(bytes, format, shape);
    },
  };
}

/**
 * This process forgets a changed profile when told. Without Redis at start-up it tries again every few seconds (the
 * copies it keeps meanwhile live a minute at most); it never keeps the process from starting.
 */
async function listenForChanges(
  notices: ChangeNotices,
  authors: AuthorDirectory,
  logger: pino.Logger | false,
): Promise<{ stop(): void }> {
  let unlisten: (() => void) | undefined;
  const tryListen = () =>
    notices
      .listen((notice) => authors.forget(notice.id))
      .then(
        (stop) => {
          unlisten = stop;
          return true;
        },
        (error: unknown) => {
          if (logger) logger.warn({ err: error }, 'cannot hear profile changes yet; trying again');
          return false;
        },
      );
  let retry: NodeJS.Timeout | undefined;
  if (!(await tryListen())) {
    retry = setInterval(() => {
      void tryListen().then((listening) => {
        if (listening) clearInterval(retry);
      });
    }, 5_000);
    retry.unref();
  }
  return {
    stop() {
      clearInterval(retry);
      unlisten?.();
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
  const graph = timed(new SqlGraphStore(sql), metrics.graphQuery);
  const celebrityRule = {
    threshold: config.celebrityThreshold,
    margin: Math.max(1, Math.floor(config.celebrityThreshold * CELEBRITY_MARGIN)),
  };
  const tweets = new SqlTweetStore(sql);
  const replica = await openReplica(config, sql, metrics);
  if (replica) metrics.watchReplica(() => replica.status());
  // The read path's lookups (timelines, search, hydration) may be served by the replica; writes and workers never.
  const readTweets = replica ? new SqlTweetStore(sql, replica.reads) : tweets;
  const outbox = new SqlOutbox(sql, clock);
  const redis = await openRedisFor(config, logger);
  const lists = (kind: string, maxEntries: number, ttlMs: number): TimelineCache =>
    redis
      ? new redis.RedisTimelineCache({
          redis: redis.client,
          prefix: `${config.namespace}:${kind}`,
          maxEntries,
          ttlMs,
        })
      : new MemoryTimelineCache({ maxEntries, ttlMs }, clock);
  const builtCache = options.cache ?? lists('home', config.timelineMax, config.activeDays * DAY_MS);
  const cache = options.decorate?.cache?.(builtCache) ?? builtCache;
  const celebrityLists =
    options.celebrityLists ?? lists('celebrity', CELEBRITY_LIST_MAX, CELEBRITY_LIST_TTL_MS);
  const tweetCache: TweetCache =
    options.tweetCache ??
    (redis
      ? new redis.RedisTweetCache({ redis: redis.client, prefix: config.namespace })
      : new MemoryTweetCache({}, clock));
  const engagementCache: EngagementCache =
    options.engagementCache ??
    (redis
      ? new redis.RedisEngagementCache({
          redis: redis.client,
          prefix: config.namespace,
          viewerTtlMs: config.activeDays * DAY_MS,
        })
      : new MemoryEngagementCache(
          { maxCounters: 200_000, countersTtlMs: 3_600_000, viewerTtlMs: config.activeDays * DAY_MS },
          clock,
        ));
  const runsWorkers = options.role !== 'api';
  const builtLog: EventLog = options.log ?? (await openLog(config, clock, runsWorkers));
  const log = options.decorate?.log?.(builtLog) ?? builtLog;
  const lease = config.databaseUrl
    ? await leaseWorkerId(new SqlWorkerLeases(sql), config, logger)
    : undefined;
  const ids = new SnowflakeGenerator(lease?.workerId ?? config.workerId ?? 0, clock);

  const timelineSettings = {
    timelineMax: config.timelineMax,
    rebuildPerAuthor: REBUILD_PER_AUTHOR,
    celebrityListMax: CELEBRITY_LIST_MAX,
  };
  // A demoted celebrity's followers get as many of their tweets as a rebuild would have read of them.
  const fanoutSettings = { timelineMax: config.timelineMax, demotionMerge: REBUILD_PER_AUTHOR };
  // Every process hears of every revoked session, so none keeps honouring one it remembers.
  const revocations: SessionRevocations =
    options.revocations ??
    (redis
      ? new redis.RedisSessionRevocations({
          redis: redis.client,
          namespace: config.namespace,
          onError: (error) => {
            if (logger) logger.warn({ err: error }, 'session revocations: redis error');
          },
        })
      : new MemorySessionRevocations());
  const accountService = createAccountService({
    accounts,
    ids,
    clock,
    scrypt: config.scrypt,
    sessionLifetimeMs: config.sessionLifetimeDays * DAY_MS,
    revocations,
    onRevocationError: (error) => {
      if (logger) logger.warn({ err: error }, 'a revocation was not told to other processes');
    },
  });
  const stopHearingRevocations = await revocations.subscribe(accountService.sessionEnded, () =>
    accountService.forgetSessions(),
  );
  const media = createMediaService({
    images: lazyImageProcessor(),
    files: config.mediaStore === 'database' ? new SqlMediaStore(sql) : new FsMediaStore(config.mediaDir),
    attachments: new SqlMediaAttachments(sql),
    ids,
    clock,
  });
  const authors = createAuthorDirectory(accounts, clock);
  const hydration = { tweets: readTweets, authors, tweetCache, engagementCache };
  const services = {
    accounts: accountService,
    media,
    profiles: createProfileService({ accounts, media, authors }),
    edits: createEditService({ ...hydration, tweets, edits: new SqlTweetEdits(sql), clock }),
    follows: createFollowService({
      accounts,
      accountService,
      graph,
      ids,
      clock,
      timelines: cache,
      onCacheError: (error) => {
        if (logger) logger.warn({ err: error }, 'timeline cache failed while following');
      },
    }),
    lists: createListService({
      tweets: readTweets,
      authors,
      tweetCache,
      engagementCache,
      lists: new SqlTweetLists(replica?.reads ?? sql),
      accounts,
    }),
    oauth: createOAuthService({ apps: new SqlAppStore(sql), accountService, ids, clock }),
    instance: createInstanceService(accounts, clock, {
      title: config.title,
      description: 'A microblogging timeline service.',
      contactEmail: '',
      version: STARLING_VERSION,
    }),
    tweets: instrumentPosting(
      createTweetService({ tweets, authors, tweetCache, engagementCache, ids, clock }),
      metrics,
    ),
    search: createSearchService({
      index: new SqlSearchIndex(replica?.reads ?? sql),
      tweets: readTweets,
      accounts,
      authors,
      tweetCache,
      engagementCache,
    }),
    timelines: createTimelineService({
      tweets: readTweets,
      authors,
      tweetCache,
      engagementCache,
      timelines: cache,
      celebrityLists,
      settings: timelineSettings,
      clock,
      observe: (read) => {
        observeTimelineRead(metrics, read);
        if (read.error && logger)
          logger.warn({ err: read.error }, 'timeline cache failed; served from the database');
      },
    }),
  };
  const feed: TimelineFeed =
    options.feed ??
    (redis
      ? new redis.RedisTimelineFeed({
          redis: redis.client,
          namespace: config.namespace,
          clock,
          onError: (error) => {
            if (logger) logger.warn({ err: error }, 'live timeline feed error');
          },
        })
      : new MemoryTimelineFeed());
  const notifications = createNotificationService({
    ...hydration,
    notifications: new SqlNotificationStore(sql, ids, () => new Date(clock.now())),
    markers: new SqlMarkerStore(sql),
    clock,
    feed,
    onFeedError: (error) => {
      if (logger) logger.warn({ err: error }, 'a notification was not told to its open streams');
    },
  });
  const notices: ChangeNotices =
    options.notices ??
    (redis
      ? new redis.RedisChangeNotices({
          redis: redis.client,
          namespace: config.namespace,
          onError: (error) => {
            if (logger) logger.warn({ err: error }, 'change notices error');
          },
        })
      : new MemoryChangeNotices());
  const stopListening =
    options.role === 'fanout' ? undefined : await listenForChanges(notices, authors, logger);
  const followerVersions = redis
    ? new redis.RedisFollowerVersions({ redis: redis.client, prefix: config.namespace })
    : new MemoryFollowerVersions();
  const fanout = createFanoutService({
    tweets,
    modes: new SqlFanoutModes(sql, celebrityRule),
    graph,
    followers: createFollowerLists(graph, followerVersions, DEFAULT_FOLLOWER_LIST_SETTINGS),
    timelines: cache,
    celebrityLists,
    tweetCache,
    settings: fanoutSettings,
    feed,
    notices,
  });
  const counters = createCounterService({
    counters: new SqlCounterStore(sql, celebrityRule),
    engagementCache,
    onCacheError: (error) => {
      if (logger) logger.warn({ err: error }, 'engagement cache failed; reads ask the database');
    },
  });

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
              counters,
              notifications,
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

  const NatsLog = await natsLogClass(config, options.log);
  if (redis && config.redisClusterNodes) metrics.watchRedis(() => redis.redisTopology(redis.client));
  if (runsWorkers && NatsLog && log instanceof NatsLog) metrics.watchStreams(() => log.streamHealth());
  if (runsWorkers) {
    metrics.watchWorkers({
      pending: (stream) => log.pending(stream),
      deadLettered: () => log.deadLettered(),
      backlog: () => outbox.backlog(),
    });
  }

  const operations = {
    readiness: [
      { name: 'database', check: async () => void (await sql.query('SELECT 1')) },
      // Every master of a cluster, not just the node one PING happens to reach.
      ...(redis ? [{ name: 'redis', check: () => redis.pingRedis(redis.client) }] : []),
      ...(NatsLog && builtLog instanceof NatsLog ? [{ name: 'nats', check: () => builtLog.ping() }] : []),
    ],
    metrics: async () => ({
      contentType: metrics.registry.contentType,
      body: await metrics.registry.metrics(),
    }),
  };
  const httpLogger = logger === false ? false : logger;
  // A fanout process serves only the operations routes; an api process, on a port of their own when one is set.
  const separateOps = options.role !== 'fanout' && config.metricsPort !== undefined;
  const http = createHttpServer({
    services: { ...services, notifications },
    logger: httpLogger,
    ...operations,
    operations: !separateOps,
    observeRequest: (request) => observeHttp(metrics, request),
    rateLimits: config.rateLimits
      ? { ...config.rateLimits, ...(redis ? { redis: redis.client, namespace: config.namespace } : {}) }
      : undefined,
    operationsOnly: options.role === 'fanout',
    streamsPerAccount: config.streamsPerAccount,
    streaming: {
      heartbeatMs: config.streamHeartbeatMs,
      maxBufferedBytes: config.streamBufferBytes,
      anonymousPublicStreams: config.anonymousPublicStreams,
    },
    feed,
    publicUrl: config.publicUrl,
    trustProxy: config.trustProxy,
  });
  const ops = separateOps
    ? createHttpServer({
        services: { ...services, notifications },
        logger: httpLogger,
        ...operations,
        operationsOnly: true,
      })
    : undefined;

  return {
    config,
    http,
    ops,
    workers,
    sql,
    cache,
    celebrityLists,
    engagementCache,
    log,
    feed,
    notices,
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
      await ops?.close();
      await feed.close();
      stopHearingRevocations();
      if (!options.revocations) await revocations.close();
      stopListening?.stop();
      await notices.close();
      await cache.close();
      await redis?.client.quit().catch(() => undefined);
      await lease?.release();
      await replica?.close();
      if (ownsSql) await sql.close();
      // prom-client's default metrics observe the process (GC, event loop) for good; emptied, the registry no longer
      // holds this app's gauges, and through their callbacks the app itself.
      metrics.registry.clear();
    },
  };
}
