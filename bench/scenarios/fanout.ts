import { type CapacitySamples, cpuCores, redisCallStats } from '../capacity-samples.js';
import type { Figures } from '../figures.js';
import { type Graph, tokenOf } from '../graph.js';
import { drained } from '../measure.js';
import { metric } from '../processes.js';
import { API, FANOUT, say, threshold } from '../settings.js';
import { type Processes, redis, startFanout } from '../stack.js';

/**
 * Fanout throughput alone: 300 posts by the hundred most-followed ordinary authors queued while the fanout process is
 * stopped, then drained by a fresh one; with its CPU use and Redis's command counts for the capacity model.
 */
export async function fanoutScenario(graph: Graph, processes: Processes, readers: number) {
  say('fanout throughput alone');
  await processes.fanout.stop();
  const authors = [...Array(readers).keys()]
    .filter((a) => (graph.followers[a] ?? 0) < threshold)
    .sort((a, b) => (graph.followers[b] ?? 0) - (graph.followers[a] ?? 0))
    .slice(0, 100);
  const burst = 300;
  // Every follower of each author is visited, and the author's own timeline; only cached timelines get the entry.
  let followersVisited = 0;
  for (let i = 0; i < burst; i++) {
    const author = authors[i % authors.length] as number;
    followersVisited += (graph.followers[author] ?? 0) + 1;
    await fetch(`${API.base}/api/v1/statuses`, {
      method: 'POST',
      headers: {
        authorization: `Bearer ${tokenOf(author)}`,
        'content-type': 'application/json',
      },
      body: JSON.stringify({ status: `fanout burst ${i}` }),
    });
  }
  redis.cli('CONFIG', 'RESETSTAT');
  processes.fanout = await startFanout();
  const fanoutCpu = await cpuCores(FANOUT.base);
  const seconds = await drained();
  const deliveries = await metric(FANOUT.base, 'starling_timeline_inserts_total');
  const samples: CapacitySamples = {
    fanoutCores: await fanoutCpu(),
    ...redisCallStats(redis.cli('INFO', 'commandstats'), deliveries),
  };
  const fanout: NonNullable<Figures['fanout']> = {
    tweets: burst,
    deliveries,
    seconds,
    perSecond: deliveries / seconds,
    followersVisitedPerSecond: followersVisited / seconds,
  };
  say(`fanout: ${Math.round(fanout.perSecond)} deliveries/s`);
  return { fanout, samples };
}
