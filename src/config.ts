import { MAX_WORKER_ID } from './domain/snowflake.js';
import { type Budget, parseBudget } from './http/rate-limits.js';
import { OWASP_SCRYPT, type ScryptCost } from './services/passwords.js';

/** Everything an operator sets, read once from the environment (names as in the API contract). */
export interface Config {
  port: number;
  host: string;
  /**
   * Where /metrics and /readyz are served (with /healthz): a `fanout` process's only port (default 9464); an `api`
   * or `start` process serves them on the public port unless this is set.
   */
  metricsPort: number | undefined;
  /** The interface the metrics port listens on (default: `host`). */
  metricsHost: string | undefined;
  dataDir: string;
  /** Where image files live: a folder (`filesystem`), or PostgreSQL (`database`), which every api process shares. */
  mediaStore: 'filesystem' | 'database';
  /** The folder of the `filesystem` media store. */
  mediaDir: string;
  databaseUrl: string | undefined;
  /** A streaming replica of `databaseUrl` that takes read-only work; unset: every read goes to the primary. */
  databaseReplicaUrl: string | undefined;
  redisUrl: string | undefined;
  redisClusterNodes: string[] | undefined;
  natsUrl: string | undefined;
  /** Copies JetStream keeps of each stream (1, or 3/5 on a NATS cluster); applied when the streams are created. */
  natsReplicas: number;
  /**
   * Which proxies in front are believed about the client's address and protocol (X-Forwarded-*): a hop count, a comma
   * list of addresses or CIDR ranges, or `true` (everyone). Unset: nobody, the address is the socket's.
   */
  trustProxy: TrustProxy;
  /** Prefix of every Redis key and NATS stream and subject, so several deployments can share the servers. */
  namespace: string;
  celebrityThreshold: number;
  activeDays: number;
  timelineMax: number;
  /** Unset: derived (embedded mode uses 0; services mode leases one). */
  workerId: number | undefined;
  logLevel: string;
  /** Budgets per IP and per account, or null when limits are off (`STARLING_RATE_LIMITS=off`). */
  rateLimits: RateLimitBudgets | null;
  scrypt: ScryptCost;
  timeouts: DependencyTimeouts;
  /** The origin clients reach this server at (`https://example.social`); unset: taken from each request. */
  publicUrl: string | undefined;
  /** The server's name, as clients show it. */
  title: string;
  /** How long a session (an access token) lasts from when it was granted. */
  sessionLifetimeDays: number;
  /** Streams one account may hold open on one api process. */
  streamsPerAccount: number;
  /** How often an idle stream gets a heartbeat; a WebSocket that missed answering the last ping is cut off. */
  streamHeartbeatMs: number;
  /** Bytes a streaming client may leave unread before it is disconnected. */
  streamBufferBytes: number;
  /** Whether the public and hashtag streams may be read without a token (off, as in Mastodon). */
  anonymousPublicStreams: boolean;
}

/** Bounds on every call to a dependency: a lost one is an error within these, never a hang. */
export interface DependencyTimeouts {
  /** Opening a PostgreSQL connection, or waiting for a free one. */
  databaseConnectMs: number;
  /** One SQL statement (cancelled by the server, and abandoned by the client). */
  databaseStatementMs: number;
  /** Connecting to Redis, and each command. */
  redisMs: number;
  /** A request to NATS (publish acknowledgement, consumer info). */
  natsMs: number;
  /** An unacknowledged log delivery is handed to another worker after this long (a live worker extends it). */
  ackWaitMs: number;
}

/** Fastify's trust-proxy forms: nobody or everybody, a number of hops, or the proxies' addresses and subnets. */
export type TrustProxy = boolean | number | string[];

export interface RateLimitBudgets {
  requests: Budget;
  posts: Budget;
  follows: Budget;
  logins: Budget;
  signUps: Budget;
  failedTokens: Budget;
}

export class ConfigError extends Error {}

/**
 * Mastodon's defaults: 300 requests / 5 min per account (or per IP, signed out), 300 posts / 3 h, 400 follows / 24 h,
 * 25 logins / 5 min and 5 sign-ups / 30 min per IP; and Starling's own, 30 invalid tokens / 5 min per IP.
 */
const BUDGETS: Record<keyof RateLimitBudgets, { env: string; fallback: string }> = {
  requests: { env: 'STARLING_LIMIT_REQUESTS', fallback: '300/5m' },
  posts: { env: 'STARLING_LIMIT_POSTS', fallback: '300/3h' },
  follows: { env: 'STARLING_LIMIT_FOLLOWS', fallback: '400/24h' },
  logins: { env: 'STARLING_LIMIT_LOGINS', fallback: '25/5m' },
  signUps: { env: 'STARLING_LIMIT_SIGNUPS', fallback: '5/30m' },
  failedTokens: { env: 'STARLING_LIMIT_FAILED_TOKENS', fallback: '30/5m' },
};

function rateLimits(env: NodeJS.ProcessEnv): RateLimitBudgets | null {
  const mode = text(env, 'STARLING_RATE_LIMITS') ?? 'on';
  if (mode === 'off') return null;
  if (mode !== 'on') throw new ConfigError(`STARLING_RATE_LIMITS must be "on" or "off", not "${mode}"`);
  const budget = (name: keyof RateLimitBudgets): Budget => {
    const { env: variable, fallback } = BUDGETS[name];
    const raw = text(env, variable) ?? fallback;
    const parsed = parseBudget(raw);
    if (!parsed) throw new ConfigError(`${variable} must look like 300/5m (units s, m, h, d), not "${raw}"`);
    return parsed;
  };
  return {
    requests: budget('requests'),
    posts: budget('posts'),
    follows: budget('follows'),
    logins: budget('logins'),
    signUps: budget('signUps'),
    failedTokens: budget('failedTokens'),
  };
}

function trustProxy(raw: string | undefined): TrustProxy {
  if (raw === undefined || raw === 'off' || raw === 'false') return false;
  if (raw === 'true') return true;
  if (/^\d{1,2}$/.test(raw)) return Number(raw);
  const addresses = raw
    .split(',')
    .map((a) => a.trim())
    .filter((a) => a !== '');
  if (addresses.some((a) => !/^[0-9A-Fa-f:.]+(\/\d{1,3})?$/.test(a))) {
    throw new ConfigError(
      `STARLING_TRUST_PROXY must be "off", a hop count, or proxy addresses/subnets (10.0.0.0/8,::1), not "${raw}"`,
    );
  }
  return addresses;
}

function publicUrl(raw: string | undefined): string | undefined {
  if (raw === undefined) return undefined;
  let url: URL;
  try {
    url = new URL(raw);
  } catch {
    throw new ConfigError(
      `STARLING_PUBLIC_URL must be an absolute URL such as https://example.social, not "${raw}"`,
    );
  }
  if (
    (url.protocol !== 'http:' && url.protocol !== 'https:') ||
    url.pathname !== '/' ||
    url.search ||
    url.hash
  ) {
    throw new ConfigError(`STARLING_PUBLIC_URL must be an http(s) origin without a path, not "${raw}"`);
  }
  return url.origin;
}

function integer(env: NodeJS.ProcessEnv, name: string, fallback: number, min: number, max: number): number {
  const raw = env[name];
  if (raw === undefined || raw === '') return fallback;
  const value = Number(raw);
  if (!Number.isInteger(value) || value < min || value > max) {
    throw new ConfigError(`${name} must be an integer from ${min} to ${max}, not "${raw}"`);
  }
  return value;
}

function onOff(env: NodeJS.ProcessEnv, name: string, fallback: boolean): boolean {
  const raw = env[name]?.trim().toLowerCase();
  if (raw === undefined || raw === '') return fallback;
  if (['on', 'true', '1'].includes(raw)) return true;
  if (['off', 'false', '0'].includes(raw)) return false;
  throw new ConfigError(`${name} must be "on" or "off", not "${env[name]}"`);
}

const text = (env: NodeJS.ProcessEnv, name: string): string | undefined => {
  const value = env[name]?.trim();
  return value ? value : undefined;
};

function namespace(value: string): string {
  if (!/^[A-Za-z0-9_-]{1,32}$/.test(value)) {
    throw new ConfigError(`STARLING_NAMESPACE must be 1-32 letters, digits, "_" or "-", not "${value}"`);
  }
  return value;
}

function mediaStore(raw: string | undefined, databaseUrl: string | undefined): Config['mediaStore'] {
  // Several api processes share PostgreSQL, not a folder: services mode stores files there unless told otherwise.
  if (raw === undefined) return databaseUrl ? 'database' : 'filesystem';
  if (raw !== 'filesystem' && raw !== 'database') {
    throw new ConfigError(`STARLING_MEDIA_STORE must be "filesystem" or "database", not "${raw}"`);
  }
  return raw;
}

export function loadConfig(env: NodeJS.ProcessEnv = process.env): Config {
  const workerId = text(env, 'STARLING_WORKER_ID');
  const dataDir = text(env, 'STARLING_DATA_DIR') ?? './data';
  return {
    port: integer(env, 'PORT', 3000, 0, 65_535),
    host: text(env, 'HOST') ?? '127.0.0.1',
    metricsPort: text(env, 'STARLING_METRICS_PORT')
      ? integer(env, 'STARLING_METRICS_PORT', 0, 0, 65_535)
      : undefined,
    metricsHost: text(env, 'STARLING_METRICS_HOST'),
    dataDir,
    mediaStore: mediaStore(text(env, 'STARLING_MEDIA_STORE'), text(env, 'DATABASE_URL')),
    mediaDir: text(env, 'STARLING_MEDIA_DIR') ?? `${dataDir}/media`,
    databaseUrl: text(env, 'DATABASE_URL'),
    databaseReplicaUrl: text(env, 'DATABASE_REPLICA_URL'),
    redisUrl: text(env, 'REDIS_URL'),
    redisClusterNodes: text(env, 'REDIS_CLUSTER_NODES')
      ?.split(',')
      .map((node) => node.trim()),
    natsUrl: text(env, 'NATS_URL'),
    natsReplicas: integer(env, 'STARLING_NATS_REPLICAS', 1, 1, 5),
    trustProxy: trustProxy(text(env, 'STARLING_TRUST_PROXY')),
    namespace: namespace(text(env, 'STARLING_NAMESPACE') ?? 'starling'),
    celebrityThreshold: integer(env, 'STARLING_CELEBRITY_THRESHOLD', 10_000, 1, 2 ** 31 - 1),
    activeDays: integer(env, 'STARLING_ACTIVE_DAYS', 30, 1, 3_650),
    timelineMax: integer(env, 'STARLING_TIMELINE_MAX', 800, 10, 100_000),
    workerId: workerId === undefined ? undefined : integer(env, 'STARLING_WORKER_ID', 0, 0, MAX_WORKER_ID),
    logLevel: text(env, 'LOG_LEVEL') ?? 'info',
    rateLimits: rateLimits(env),
    scrypt: { ...OWASP_SCRYPT, logN: integer(env, 'STARLING_SCRYPT_LOG_N', OWASP_SCRYPT.logN, 10, 20) },
    publicUrl: publicUrl(text(env, 'STARLING_PUBLIC_URL')),
    title: text(env, 'STARLING_TITLE') ?? 'Starling',
    sessionLifetimeDays: integer(env, 'STARLING_SESSION_DAYS', 90, 1, 3_650),
    streamsPerAccount: integer(env, 'STARLING_STREAMS_PER_ACCOUNT', 16, 1, 10_000),
    streamHeartbeatMs: integer(env, 'STARLING_STREAM_HEARTBEAT_MS', 15_000, 10, 600_000),
    streamBufferBytes: integer(env, 'STARLING_STREAM_BUFFER_BYTES', 1 << 20, 4_096, 1 << 30),
    anonymousPublicStreams: onOff(env, 'STARLING_ANONYMOUS_PUBLIC_STREAMS', false),
    timeouts: {
      databaseConnectMs: integer(env, 'STARLING_DB_CONNECT_TIMEOUT_MS', 2_000, 100, 600_000),
      databaseStatementMs: integer(env, 'STARLING_DB_STATEMENT_TIMEOUT_MS', 2_000, 100, 3_600_000),
      redisMs: integer(env, 'STARLING_REDIS_TIMEOUT_MS', 1_000, 50, 60_000),
      natsMs: integer(env, 'STARLING_NATS_TIMEOUT_MS', 2_000, 100, 60_000),
      ackWaitMs: integer(env, 'STARLING_ACK_WAIT_MS', 3_000, 1_000, 3_600_000),
    },
  };
}
