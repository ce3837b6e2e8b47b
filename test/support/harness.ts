import { randomUUID } from 'node:crypto';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { NatsEventLog } from '../../src/adapters/nats/nats-event-log.js';
import { RedisChangeNotices } from '../../src/adapters/redis/redis-change-notices.js';
import { openRedis, type RedisClient } from '../../src/adapters/redis/redis-connection.js';
import { RedisEngagementCache } from '../../src/adapters/redis/redis-engagement-cache.js';
import { RedisTimelineCache } from '../../src/adapters/redis/redis-timeline-cache.js';
import { RedisTimelineFeed } from '../../src/adapters/redis/redis-timeline-feed.js';
import { RedisTweetCache } from '../../src/adapters/redis/redis-tweet-cache.js';
import type { SqlClient } from '../../src/adapters/sql/sql-client.js';
import { type App, createApp } from '../../src/app.js';
import { type Config, loadConfig } from '../../src/config.js';
import { TestClock } from './clock.js';
import { resetDatabase, sharedPglite, sharedPostgres } from './database.js';
import { serverUrl } from './servers.js';

export interface Harness {
  app: App;
  /**
   * Another api process on the same servers (services mode only): its own caches' clients and memory, the same
   * database, Redis keys and log. Closed with this harness.
   */
  anotherApi(): Promise<Harness>;
  clock: TestClock;
  /** Runs the relay and the fanout workers until the log is empty. */
  drain(): Promise<void>;
  call(
    method: string,
    url: string,
    options?: { token?: string; body?: unknown; headers?: Record<string, string> },
  ): Promise<Reply>;
  signUp(handle: string): Promise<User>;
  close(): Promise<void>;
}

export interface Reply {
  status: number;
  headers: Record<string, string | string[] | number | undefined>;
  // Tests read whatever shape the route returns.
  // biome-ignore lint/suspicious/noExplicitAny: a test's view of a JSON body
  body: any;
}

export interface User {
  id: string;
  handle: string;
  token: string;
}

/** Configuration for tests: embedded defaults, cheap password hashing, overridable per test. */
export function testConfig(overrides: Partial<Config> = {}): Config {
  return {
    ...loadConfig({}),
    scrypt: { logN: 10, r: 8, p: 1 },
    rateLimits: null,
    // Uploaded images go to a folder of this test process's own, never into the working tree.
    mediaDir: join(process.env.STARLING_TEST_MEDIA_DIR ?? tmpdir(), `media-${process.pid}`),
    ...overrides,
  };
}

/** Where a harness runs: embedded (PGlite, in-process cache and log) or services (PostgreSQL, Redis, NATS). */
export interface Backend {
  name: 'embedded' | 'services';
  open(
    config: Config,
    clock: TestClock,
    options?: HarnessOptions,
  ): Promise<{ app: App; cleanUp: () => Promise<void>; anotherApi?: () => Promise<App> }>;
}

export interface HarnessOptions {
  /** Wraps the database the app is given (to watch its statements, say). */
  wrapSql?: (sql: SqlClient) => SqlClient;
}

const embedded: Backend = {
  name: 'embedded',
  async open(config, clock, options = {}) {
    const shared = await sharedPglite();
    await resetDatabase(shared);
    const sql = options.wrapSql ? options.wrapSql(shared) : shared;
    const app = await createApp(config, { role: 'all', sql, clock, logger: false });
    return { app, cleanUp: async () => undefined };
  },
};

let redis: RedisClient | undefined;
let extraApis = 0;

/**
 * The same app on real servers: this worker's own PostgreSQL schema (emptied first), and Redis keys and NATS streams
 * under a prefix of this harness's own, removed when it closes.
 */
function services(postgres: string, redisUrl: string, natsUrl: string): Backend {
  return {
    name: 'services',
    async open(config, clock, options = {}) {
      const shared = await sharedPostgres(postgres);
      await resetDatabase(shared);
      const sql = options.wrapSql ? options.wrapSql(shared) : shared;
      redis ??= openRedis({ url: redisUrl });
      const prefix = `test${process.env.VITEST_POOL_ID ?? 0}-${randomUUID().slice(0, 8)}`;
      const lists = (kind: string, maxEntries: number, ttlMs: number) =>
        new RedisTimelineCache({
          redis: redis as RedisClient,
          prefix: `${prefix}:${kind}`,
          maxEntries,
          ttlMs,
        });
      const home = () => lists('home', config.timelineMax, config.activeDays * 86_400_000);
      const celebrities = () => lists('celebrity', 200, 3_600_000);
      const bodies = () => new RedisTweetCache({ redis: redis as RedisClient, prefix });
      const engagement = () =>
        new RedisEngagementCache({
          redis: redis as RedisClient,
          prefix,
          viewerTtlMs: config.activeDays * 86_400_000,
        });
      // Each process subscribes on a connection of its own, as separate processes would.
      const notices = () => new RedisChangeNotices({ redis: redis as RedisClient, namespace: prefix });
      // And the live feed, so a post accepted by one api process reaches a stream held by another.
      const feed = () => new RedisTimelineFeed({ redis: redis as RedisClient, namespace: prefix, clock });
      const [cache, celebrityLists, tweetCache, engagementCache] = [
        home(),
        celebrities(),
        bodies(),
        engagement(),
      ];
      const log = await NatsEventLog.open({
        servers: natsUrl,
        prefix,
        settings: { maxDeliver: 5, backoffMs: [50], ackWaitMs: 10_000, duplicateWindowMs: 60_000 },
      });
      // Files in PostgreSQL, which every api process of a deployment shares.
      config = { ...config, mediaStore: 'database' };
      const app = await createApp(config, {
        role: 'all',
        sql,
        clock,
        cache,
        celebrityLists,
        tweetCache,
        engagementCache,
        log,
        notices: notices(),
        feed: feed(),
        logger: false,
      });
      return {
        app,
        async cleanUp() {
          await redis?.del(`${prefix}:feed:readers`);
          await cache.clear();
          await celebrityLists.clear();
          await tweetCache.clear();
          await engagementCache.clear();
          await log.destroy();
        },
        // Its own Snowflake worker id, as a leased one would be: two processes minting at one instant differ.
        anotherApi: () =>
          createApp(
            { ...config, workerId: (config.workerId ?? 0) + 1 + extraApis++ },
            {
              role: 'api',
              sql,
              clock,
              cache: home(),
              celebrityLists: celebrities(),
              tweetCache: bodies(),
              notices: notices(),
              feed: feed(),
              logger: false,
            },
          ),
      };
    },
  };
}

/** Every backend whose servers are reachable: embedded always, services when PostgreSQL, Redis and NATS are up. */
export function backends(): Backend[] {
  const [postgres, redisUrl, nats] = [serverUrl('postgres'), serverUrl('redis'), serverUrl('nats')];
  return postgres && redisUrl && nats ? [embedded, services(postgres, redisUrl, nats)] : [embedded];
}

/**
 * A Starling on a fresh database, with a clock the test drives and the background loops off: the test drains the
 * workers when it wants fanout to have happened. Embedded unless a backend is given.
 */
export async function startHarness(
  overrides: Partial<Config> = {},
  clock = new TestClock(),
  backend: Backend = embedded,
  options: HarnessOptions = {},
): Promise<Harness> {
  const { app, cleanUp, anotherApi } = await backend.open(testConfig(overrides), clock, options);
  const others: App[] = [];
  const harness = harnessFor(app, clock);
  return {
    ...harness,
    async anotherApi() {
      if (!anotherApi) throw new Error(`${backend.name} mode runs one process`);
      const other = await anotherApi();
      others.push(other);
      return harnessFor(other, clock);
    },
    async close() {
      for (const other of others) await other.close();
      await cleanUp();
      await app.close();
    },
  };
}

export function harnessFor(app: App, clock: TestClock): Harness {
  const call: Harness['call'] = async (method, url, options = {}) => {
    const headers: Record<string, string> = { ...options.headers };
    if (options.token) headers.authorization = `Bearer ${options.token}`;
    const response = await app.http.inject({
      method: method as 'GET',
      url,
      headers,
      ...(options.body === undefined
        ? {}
        : typeof options.body === 'string'
          ? { payload: options.body, headers: { 'content-type': 'application/json', ...headers } }
          : { payload: options.body as object }),
    });
    const text = response.body;
    let body: unknown = text;
    if ((response.headers['content-type'] ?? '').toString().includes('json') && text) body = JSON.parse(text);
    return { status: response.statusCode, headers: response.headers, body };
  };
  // Accounts are made as a client app makes them: registered app, its own token, then the registration call.
  let appToken: Promise<string> | undefined;
  const registrar = () => {
    appToken ??= (async () => {
      const registered = await call('POST', '/api/v1/apps', {
        body: {
          client_name: 'tests',
          redirect_uris: 'urn:ietf:wg:oauth:2.0:oob',
          scopes: 'read write follow push',
        },
      });
      const { client_id, client_secret } = registered.body;
      const token = await call('POST', '/oauth/token', {
        body: { grant_type: 'client_credentials', client_id, client_secret, scope: 'read write follow push' },
      });
      if (token.status !== 200) throw new Error(`no app token: ${JSON.stringify(token.body)}`);
      return token.body.access_token as string;
    })();
    return appToken;
  };
  return {
    app,
    clock,
    anotherApi: () => Promise.reject(new Error('this harness runs one process')),
    drain: () => app.workers.drain(),
    call,
    async signUp(handle) {
      const reply = await call('POST', '/api/v1/accounts', {
        token: await registrar(),
        body: { username: handle, password: 'correct horse battery', agreement: true, locale: 'en' },
      });
      if (reply.status !== 200) throw new Error(`sign-up of ${handle} failed: ${JSON.stringify(reply.body)}`);
      const token = reply.body.access_token as string;
      const me = await call('GET', '/api/v1/accounts/verify_credentials', { token });
      return { id: me.body.id, handle, token };
    },
    close: () => app.close(),
  };
}
