/**
 * `npm run bench`: Starling's figures beside the machine's ceilings, measured in one run. See docs/benchmarks.md for
 * what each scenario does; the report and bench/results/latest.json are rewritten by every run. The run's settings
 * are in settings.ts, the processes it measures in stack.ts, and each scenario in scenarios/.
 */
import { execFileSync } from 'node:child_process';
import { mkdir, readFile, writeFile } from 'node:fs/promises';
import { dirname, join } from 'node:path';
import { readAnatomy } from './anatomy.js';
import { writeCapacity } from './capacity.js';
import type { CapacitySamples } from './capacity-samples.js';
import type { Figures } from './figures.js';
import { tokenOf } from './graph.js';
import { drained } from './measure.js';
import { thisMachine, writeReport } from './report.js';
import { ceilingsScenario } from './scenarios/ceilings.js';
import { coldStartScenario } from './scenarios/cold-start.js';
import { embeddedScenario } from './scenarios/embedded.js';
import { fanoutScenario } from './scenarios/fanout.js';
import { fullSpeedScenario } from './scenarios/full-speed.js';
import { maxRateScenario } from './scenarios/max-rate.js';
import { memoryScenario } from './scenarios/memory.js';
import { modelsScenario } from './scenarios/models.js';
import { postsScenario } from './scenarios/posts.js';
import { searchScenario } from './scenarios/search.js';
import { spikeScenario } from './scenarios/spike.js';
import { steadyScenario } from './scenarios/steady.js';
import { stormScenario } from './scenarios/storm.js';
import {
  capacity,
  DEFAULT_OUT,
  durationMs,
  from,
  mix,
  out,
  rate,
  say,
  searchTweets,
  sizeName,
  threshold,
} from './settings.js';
import { readSoak } from './soak-report.js';
import { prepareServices, redis, servicesEnv, startProcesses, stopProcesses } from './stack.js';
import { requireWrk } from './wrk.js';

/** Every scenario in services mode, in order, into `figures` (and the capacity model's samples into `samples`). */
async function services(figures: Figures, samples: CapacitySamples) {
  const { graph, figures: graphFigures, sql } = await prepareServices();
  figures.graph = graphFigures;
  const processes = await startProcesses();
  await drained();

  const cold = await coldStartScenario(graph);
  figures.coldStart = cold.coldStart;
  figures.coldAnatomy = cold.coldAnatomy;
  const readers = Math.min(graph.accounts, 5_000);
  const who = { readers, accounts: graph.accounts };
  figures.memory = await memoryScenario(readers, cold.redisBytesBefore);

  say('a cached home read, step by step');
  const warmReaders = Array.from({ length: 1_000 }, (_, i) => tokenOf((i * 7919) % readers));
  figures.anatomy = await readAnatomy(servicesEnv, warmReaders, { warmUp: warmReaders.slice(0, 50) });

  Object.assign(figures, await ceilingsScenario(sql));
  const fullSpeed = await fullSpeedScenario(readers);
  figures.maxHome = fullSpeed.maxHome;
  samples.homeApiCores = fullSpeed.homeApiCores;
  figures.steady = await steadyScenario(who);
  figures.maxRate = await maxRateScenario(who);
  const posting = await postsScenario(who);
  figures.posts = posting.posts;
  samples.postsApiCores = posting.postsApiCores;
  figures.spike = await spikeScenario(who);
  figures.storm = await stormScenario(who);
  figures.models = await modelsScenario(sql, processes, who);
  const fanout = await fanoutScenario(graph, processes, readers);
  figures.fanout = fanout.fanout;
  Object.assign(samples, fanout.samples);
  if (searchTweets > 0) figures.search = await searchScenario(sql, searchTweets, graph.accounts);

  await stopProcesses(processes);
  await sql.close();
  redis.flush();
}

// The published report keeps its raw numbers in bench/results; any other report keeps them beside itself.
const results = out === DEFAULT_OUT ? 'bench/results/latest.json' : `${out}.json`;
// The published report carries the last soak (a run of its own); any other report has none.
const soak = out === DEFAULT_OUT ? await readSoak() : undefined;
const capacityOut = out === DEFAULT_OUT ? 'docs/capacity.md' : join(dirname(out), 'capacity.md');
if (from) {
  // Only the report, from the raw numbers of an earlier run (after its wording changed, say).
  const earlier = JSON.parse(await readFile(from, 'utf8')) as Figures;
  await writeReport(earlier, out, soak);
  if (capacity) await writeCapacity(earlier, capacityOut);
} else {
  requireWrk();
  const samples: CapacitySamples = {};
  const figures: Figures & { capacity: CapacitySamples } = {
    command: `npm run bench -- ${process.argv.slice(2).join(' ')}`.trim(),
    commit: `${execFileSync('git', ['rev-parse', '--short', 'HEAD']).toString().trim()}${
      execFileSync('git', ['status', '--porcelain', '--untracked-files=no']).toString().trim() ? '+' : ''
    }`,
    machine: thisMachine(),
    size: sizeName,
    durationSeconds: durationMs / 1_000,
    rate,
    mix,
    threshold,
    capacity: samples,
  };
  execFileSync(process.execPath, ['node_modules/typescript/bin/tsc', '-p', 'tsconfig.build.json']);
  await services(figures, samples);
  figures.embedded = await embeddedScenario();
  await mkdir(dirname(results), { recursive: true });
  await writeFile(results, `${JSON.stringify(figures, null, 2)}\n`);
  await writeReport(figures, out, soak);
  if (capacity) await writeCapacity(figures, capacityOut);
}
say(`report written to ${out}${capacity ? ` and the capacity model to ${capacityOut}` : ''}`);
