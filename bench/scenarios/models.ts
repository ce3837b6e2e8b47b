import type { SqlClient } from '../../src/adapters/sql/sql-client.js';
import type { Figures } from '../figures.js';
import { type Audience, allLagBuckets, drained, openLoad, pick } from '../measure.js';
import { metric, quantileOf, startPullApi } from '../processes.js';
import { API, durationMs, FANOUT, mix, rate, say, seed, threshold } from '../settings.js';
import { type Processes, redis, servicesEnv, startProcesses, stopProcesses } from '../stack.js';

type Model = 'hybrid' | 'push' | 'pull';

/**
 * One fanout model under the load where the models part: the steady mix while the largest account posts once a
 * second. Measures timeline writes per post, home-read latency, and fanout lag until the log drained (pure pull runs
 * with the fanout process stopped: it writes no timelines, and a post is in the next read).
 */
async function modelRun(model: Model, who: Audience) {
  const seconds = Math.min(30, durationMs / 1_000);
  say(`${model}: the steady mix plus the largest account posting 1/s, for ${seconds} s`);
  const pulling = model === 'pull';
  const insertsBefore = pulling ? 0 : await metric(FANOUT.base, 'starling_timeline_inserts_total');
  const lagBefore = pulling ? [] : await allLagBuckets();
  const [mixed, celebrity] = await Promise.all([
    openLoad(who, { rate, durationMs: seconds * 1_000, mix, seed: seed + 5 }),
    openLoad(who, { rate: 1, durationMs: seconds * 1_000, mix: { storm: 1 }, seed: seed + 6 }),
  ]);
  const drainedAfterSeconds = pulling ? 0 : await drained(600_000);
  const posts = (mixed.operations.post?.count ?? 0) + (celebrity.operations.storm?.count ?? 0);
  const inserts = pulling
    ? 0
    : (await metric(FANOUT.base, 'starling_timeline_inserts_total')) - insertsBefore;
  const lagP99 = pulling ? 0 : quantileOf(await allLagBuckets(), 0.99, lagBefore);
  const result = {
    posts,
    writesPerPost: inserts / Math.max(posts, 1),
    home: pick(mixed, 'home'),
    fanoutLagP99Ms: lagP99 === null ? null : lagP99 * 1_000,
    drainedAfterSeconds,
  };
  say(
    `${model}: ${result.writesPerPost.toFixed(1)} writes/post, home p99 ${result.home.p99.toFixed(1)} ms, fanout lag p99 ${result.fanoutLagP99Ms?.toFixed(0)} ms`,
  );
  return result;
}

/**
 * Push, pull and hybrid under the same load. Hybrid is Starling as it runs; then every author pushed; then no cache
 * (bench/pull-api.ts). Leaves Starling running as it was, hybrid, in `processes`.
 */
export async function modelsScenario(
  sql: SqlClient,
  processes: Processes,
  who: Audience,
): Promise<Figures['models']> {
  const models: NonNullable<Figures['models']> = {};
  models.hybrid = await modelRun('hybrid', who);
  await stopProcesses(processes);
  await sql.query("UPDATE accounts SET fanout_mode = 'push' WHERE fanout_mode <> 'push'");
  Object.assign(processes, await startProcesses({ STARLING_CELEBRITY_THRESHOLD: String(2 ** 31 - 1) }));
  models.push = await modelRun('push', who);
  await stopProcesses(processes);
  await sql.query("UPDATE accounts SET fanout_mode = 'pull' WHERE followers_count >= $1", [threshold]);
  redis.flush('celebrity');
  const pullApi = await startPullApi({ ...servicesEnv, PORT: String(API.port) }, API.port);
  models.pull = await modelRun('pull', who);
  await pullApi.stop();
  Object.assign(processes, await startProcesses());
  await drained();
  return models;
}
