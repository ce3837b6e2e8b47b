import { readAnatomy } from '../anatomy.js';
import type { Figures } from '../figures.js';
import { type Graph, tokenOf } from '../graph.js';
import { percentile, readEach } from '../measure.js';
import { say } from '../settings.js';
import { redis, servicesEnv } from '../stack.js';

/**
 * Cold start: 200 readers who follow about 1,000 accounts (or the most there are), each reading for the first time
 * (a rebuild from PostgreSQL), four at a time; then the next hundred such readers step by step. Also returns Redis's
 * memory before those reads, from which the memory scenario measures what the timelines grew it by.
 */
export async function coldStartScenario(graph: Graph) {
  const target = Math.min(1_000, Math.max(...graph.following));
  const byDistance = [...Array(graph.accounts).keys()].sort(
    (a, b) => Math.abs((graph.following[a] ?? 0) - target) - Math.abs((graph.following[b] ?? 0) - target),
  );
  const cold = byDistance.slice(0, 200);
  // A fresh process compiles and connects on its first requests: warm it on readers far from the measured ones,
  // so the figure is a cache miss and not the process's own start.
  await readEach(byDistance.slice(-50), 4);
  const redisBytesBefore = redis.usedMemory();
  const latencies = await readEach(cold, 4);
  const coldStart: NonNullable<Figures['coldStart']> = {
    readers: cold.length,
    medianFollowing: percentile(
      cold.map((r) => graph.following[r] ?? 0),
      50,
    ),
    p50: percentile(latencies, 50),
    p99: percentile(latencies, 99),
  };
  say(`cold start p99 ${coldStart.p99.toFixed(1)} ms`);
  const coldAnatomy = await readAnatomy(servicesEnv, byDistance.slice(200, 300).map(tokenOf), {
    warmUp: byDistance.slice(-100, -50).map(tokenOf),
  });
  return { coldStart, coldAnatomy, redisBytesBefore };
}
