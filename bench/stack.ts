/**
 * Starling in services mode as the benchmark runs it: its database made anew and loaded with the generated graph, and
 * one api and one fanout process over the benchmark's PostgreSQL, Redis and NATS, stopped and started again by the
 * scenarios that compare settings.
 */
import { openPgClient } from '../src/adapters/postgres/pg-client.js';
import type { Figures } from './figures.js';
import { freshServices } from './fresh.js';
import { type Graph, generateGraph } from './graph.js';
import { percentile } from './measure.js';
import { type Started, startStarling } from './processes.js';
import { BenchRedis } from './redis.js';
import {
  API,
  FANOUT,
  NAMESPACE,
  natsUrl,
  postgresUrl,
  redisUrl,
  say,
  seed,
  size,
  sizeName,
  threshold,
} from './settings.js';

/** The benchmark's Redis: its keys are the ones under the namespace. */
export const redis = new BenchRedis(redisUrl, NAMESPACE);

/** The environment of every Starling process the benchmark starts in services mode. */
export const servicesEnv: Record<string, string> = {
  DATABASE_URL: postgresUrl,
  REDIS_URL: redisUrl,
  NATS_URL: natsUrl,
  STARLING_NAMESPACE: NAMESPACE,
  STARLING_CELEBRITY_THRESHOLD: String(threshold),
};

export const startApi = (extra: Record<string, string> = {}, nodeArgs: readonly string[] = []) =>
  startStarling('api', { ...servicesEnv, PORT: String(API.port), ...extra }, API.port, nodeArgs);
export const startFanout = (extra: Record<string, string> = {}) =>
  startStarling(
    'fanout',
    { ...servicesEnv, STARLING_METRICS_PORT: String(FANOUT.port), ...extra },
    FANOUT.port,
  );

/** The running api and fanout processes; a scenario that restarts them leaves the new ones here. */
export interface Processes {
  api: Started;
  fanout: Started;
}

export async function startProcesses(extra: Record<string, string> = {}): Promise<Processes> {
  const [api, fanout] = await Promise.all([startApi(extra), startFanout(extra)]);
  return { api, fanout };
}

export async function stopProcesses(processes: Processes): Promise<void> {
  await Promise.all([processes.api.stop(), processes.fanout.stop()]);
}

/**
 * A fresh database with the generated graph loaded, no benchmark keys in Redis and no benchmark streams in NATS: the
 * graph, what it looks like for the report, and the benchmark's own connection.
 */
export async function prepareServices() {
  say(`generating a ${sizeName} graph (seed ${seed})`);
  const graph: Graph = generateGraph(size, seed);
  const followerCounts = [...graph.followers].sort((a, b) => a - b);
  const figures: NonNullable<Figures['graph']> = {
    accounts: graph.accounts,
    follows: graph.follows.length,
    medianFollowing: percentile([...graph.following], 50),
    medianFollowers: followerCounts[Math.floor(followerCounts.length / 2)] ?? 0,
    maxFollowers: followerCounts.at(-1) ?? 0,
    celebrities: followerCounts.filter((c) => c >= threshold).length,
  };
  figures.loadSeconds = await freshServices(
    { postgresUrl, redis, natsUrl, namespace: NAMESPACE },
    graph,
    threshold,
    say,
  );
  // The benchmark's own connection loads corpora and runs pgbench-like work: statements of minutes, not milliseconds.
  const sql = openPgClient({
    connectionString: postgresUrl,
    timeouts: { connectMs: 10_000, statementMs: 3_600_000 },
  });
  return { graph, figures, sql };
}
