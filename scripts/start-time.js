// How long `npm start` takes to be healthy: from the moment the command is run to the first 200 from /healthz,
// polled every 20 ms. Each run starts from a fresh copy of a data folder (one made by a first start, kept in a
// temporary folder), so every run opens the same data, as a restart would. The checkout is used as it is: an
// unchanged one measures the up-to-date build check plus the start.
//
//   node scripts/start-time.js [runs (5)] [--command "node bin/starling.js start" …] [--port 3100]
//
// With several commands the runs take turns (A B A B …), so that whatever else the machine is doing weighs on each
// alike, and each command gets its own median.
import { spawn } from 'node:child_process';
import { cp, mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { parseArgs } from 'node:util';

const root = join(dirname(fileURLToPath(import.meta.url)), '..');
const { values, positionals } = parseArgs({
  allowPositionals: true,
  options: {
    command: { type: 'string', multiple: true, default: ['npm start'] },
    port: { type: 'string', default: '3100' },
  },
});
const runs = Number(positionals[0] ?? 5);
const port = Number(values.port);
const work = await mkdtemp(join(tmpdir(), 'starling-start-'));

/** Stops a process group and waits until every process in it is gone (the shell may exit before the server). */
async function stopGroup(pid) {
  const signal = (name) => {
    try {
      process.kill(-pid, name);
      return true;
    } catch {
      return false; // ESRCH: the group is empty
    }
  };
  signal('SIGTERM');
  while (signal(0)) await new Promise((resolve) => setTimeout(resolve, 20));
}

/** Starts `command` on `dataDir` and resolves with the milliseconds until /healthz answered 200. */
async function timeStart(command, dataDir) {
  const started = performance.now();
  const child = spawn(command, {
    cwd: root,
    shell: true,
    detached: true, // its own process group, so the whole tree (npm, sh, node) stops together
    stdio: ['ignore', 'ignore', 'inherit'],
    env: { ...process.env, PORT: String(port), STARLING_DATA_DIR: dataDir, LOG_LEVEL: 'warn' },
  });
  let exited = false;
  child.on('exit', () => {
    exited = true;
  });
  try {
    for (;;) {
      if (exited) throw new Error(`"${command}" exited before it was healthy`);
      const ok = await fetch(`http://127.0.0.1:${port}/healthz`).then(
        (response) => response.ok,
        () => false,
      );
      if (ok) return performance.now() - started;
      await new Promise((resolve) => setTimeout(resolve, 20));
    }
  } finally {
    await stopGroup(child.pid);
  }
}

const commands = values.command;
try {
  const seed = join(work, 'seed');
  const first = await timeStart(commands[0], seed);
  console.log(`first start (new data folder): ${Math.round(first)} ms`);
  const times = commands.map(() => []);
  for (let run = 1; run <= runs; run++) {
    for (const [i, command] of commands.entries()) {
      const dataDir = join(work, `run-${run}-${i}`);
      await cp(seed, dataDir, { recursive: true });
      const ms = await timeStart(command, dataDir);
      times[i].push(ms);
      console.log(`${command}, start ${run}: ${Math.round(ms)} ms`);
      await rm(dataDir, { recursive: true, force: true });
    }
  }
  for (const [i, command] of commands.entries()) {
    const sorted = [...times[i]].sort((a, b) => a - b);
    console.log(`${command}: median of ${runs}: ${Math.round(sorted[Math.floor(runs / 2)])} ms`);
  }
} finally {
  await rm(work, { recursive: true, force: true });
}
