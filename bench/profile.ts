/**
 * `npm run bench:profile`: where the api process spends its CPU on warm home reads. The benchmark's stack (services
 * mode, a fresh database with the generated graph) with the api under V8's sampling profiler; every reader's
 * timeline is read once to warm the cache, then read at full speed with wrk for `--duration` seconds. The profile is
 * written to bench/results/api.cpuprofile (open it in Chrome's DevTools) and its heaviest functions, by the time spent
 * in them and below them, are printed. Takes the benchmark's own options (`--size`, `--duration`, `--seed`).
 */
import { mkdir, readdir, readFile, rm, writeFile } from 'node:fs/promises';
import { join } from 'node:path';
import { tokenOf } from './graph.js';
import { drained } from './measure.js';
import { API, durationMs, say } from './settings.js';
import { prepareServices, redis, startApi, startFanout } from './stack.js';
import { requireWrk, wrk } from './wrk.js';

/** Readers whose timelines are read (at most: a tiny graph has fewer accounts). */
const READERS = 1_000;
const PROFILE_DIR = join('bench', 'results', 'profile');
const OUT = join('bench', 'results', 'api.cpuprofile');

interface ProfileNode {
  id: number;
  callFrame: { functionName: string; url: string; lineNumber: number };
  children?: number[];
}
interface CpuProfile {
  nodes: ProfileNode[];
  samples: number[];
}

/** Self and total sample counts per function (name and place), from V8's call tree. */
function heaviest(profile: CpuProfile) {
  const byId = new Map(profile.nodes.map((node) => [node.id, node]));
  const parent = new Map<number, number>();
  for (const node of profile.nodes) for (const child of node.children ?? []) parent.set(child, node.id);
  const label = (node: ProfileNode) => {
    const { functionName, url, lineNumber } = node.callFrame;
    const where = url.replace(/^file:\/\//, '').replace(`${process.cwd()}/`, '');
    return `${functionName || '(anonymous)'} ${where ? `${where}:${lineNumber + 1}` : ''}`.trim();
  };
  const self = new Map<string, number>();
  const total = new Map<string, number>();
  for (const sample of profile.samples) {
    const node = byId.get(sample);
    if (!node) continue;
    self.set(label(node), (self.get(label(node)) ?? 0) + 1);
    // Each function once per sample, however often it recurses.
    const seen = new Set<string>();
    for (let at: number | undefined = sample; at !== undefined; at = parent.get(at)) {
      const name = label(byId.get(at) as ProfileNode);
      if (seen.has(name)) continue;
      seen.add(name);
      total.set(name, (total.get(name) ?? 0) + 1);
    }
  }
  return { samples: profile.samples.length, self, total };
}

const top = (counts: Map<string, number>, samples: number, n: number) =>
  [...counts.entries()]
    .sort((a, b) => b[1] - a[1])
    .slice(0, n)
    .map(([name, count]) => `${((100 * count) / samples).toFixed(1).padStart(5)}%  ${name}`)
    .join('\n');

requireWrk();
const { graph, sql } = await prepareServices();
const readers = Math.min(READERS, graph.accounts);
await sql.close();
await rm(PROFILE_DIR, { recursive: true, force: true });
await mkdir(PROFILE_DIR, { recursive: true });
const fanout = await startFanout();
const api = await startApi({}, ['--cpu-prof', `--cpu-prof-dir=${PROFILE_DIR}`]);
await drained();
const tokens = Array.from({ length: readers }, (_, i) => tokenOf(i));
say(`warming ${readers} readers' timelines`);
for (const token of tokens) {
  const reply = await fetch(`${API.base}/api/v1/timelines/home?limit=50`, {
    headers: { authorization: `Bearer ${token}` },
  });
  if (reply.status !== 200) throw new Error(`a warm-up read answered ${reply.status}`);
  await reply.arrayBuffer();
}
say(`home reads at full speed for ${durationMs / 1_000} s, profiled`);
const result = await wrk(`${API.base}/api/v1/timelines/home?limit=50`, durationMs / 1_000, tokens);
say(
  `${Math.round(result.throughput)} reads/s, p50 ${result.p50} ms, p99 ${result.p99} ms, ${result.errors} errors`,
);
await api.stop();
await fanout.stop();
redis.flush();

const written = (await readdir(PROFILE_DIR)).filter((name) => name.endsWith('.cpuprofile'));
if (written.length !== 1)
  throw new Error(`expected the api's one profile in ${PROFILE_DIR}, found ${written.length}`);
const raw = await readFile(join(PROFILE_DIR, written[0] as string), 'utf8');
await writeFile(OUT, raw);
await rm(PROFILE_DIR, { recursive: true, force: true });
const { samples, self, total } = heaviest(JSON.parse(raw) as CpuProfile);
console.log(
  `\n${samples} samples, the whole life of the api process (start-up and warm-up included); ${OUT}`,
);
console.log(`\nSelf time (in the function itself):\n${top(self, samples, 25)}`);
console.log(`\nTotal time (in the function and what it calls):\n${top(total, samples, 40)}`);
