import { type ChildProcess, fork, spawn } from 'node:child_process';
import { Presets, SingleBar } from 'cli-progress';
import type { LoadJob, LoadProgress, LoadResult } from './load.js';

const ROOT = new URL('../', import.meta.url);

/**
 * Runs one load job in its own process and returns what it measured. On a terminal, a progress bar follows it
 * (seconds done, requests sent, errors so far); in a log, nothing is drawn.
 */
export function runLoad(job: LoadJob, label = Object.keys(job.mix).join('+')): Promise<LoadResult> {
  const bar = process.stdout.isTTY
    ? new SingleBar(
        {
          format: `  ${label.padEnd(16)} {bar} {value}/{total} s · {sent} sent · {errors} errors`,
          hideCursor: true,
          clearOnComplete: true,
        },
        Presets.shades_classic,
      )
    : undefined;
  bar?.start(Math.round(job.durationMs / 1_000), 0, { sent: 0, errors: 0 });
  return new Promise<LoadResult>((resolve, reject) => {
    const child = fork(new URL('bench/load.ts', ROOT), [], {
      execArgv: ['--import', 'tsx'],
      stdio: 'inherit',
    });
    child.on('message', (message: { result?: LoadResult; error?: string; progress?: LoadProgress }) => {
      if (message.progress) {
        const { seconds, sent, errors } = message.progress;
        bar?.update(Math.min(Math.round(seconds), bar.getTotal()), { sent, errors });
      } else if (message.result) resolve(message.result);
      else reject(new Error(message.error));
    });
    child.once('error', reject);
    child.send(job);
  }).finally(() => bar?.stop());
}

export interface Started {
  child: ChildProcess;
  stop(): Promise<void>;
}

/** Every process the benchmark started and has not stopped: a run that dies takes them with it. */
const live = new Set<ChildProcess>();
process.once('exit', () => {
  for (const child of live) child.kill('SIGKILL');
});

/**
 * Resolves once the child's port answers — the child's own answer: a child that exits first (its port taken by a
 * process the benchmark did not start, say) fails the run instead of measuring someone else.
 */
async function answering(child: ChildProcess, port: number): Promise<void> {
  live.add(child);
  child.once('exit', () => live.delete(child));
  const exited = new Promise<never>((_, reject) =>
    child.once('exit', (code) =>
      reject(
        new Error(
          `a benchmark process exited (${code}) before answering on port ${port}: is the port in use?`,
        ),
      ),
    ),
  );
  await Promise.race([waitForHttp(`http://127.0.0.1:${port}/healthz`), exited]);
  exited.catch(() => undefined);
}

/** `starling <role>` from the build, with the given environment; resolves once its port answers. */
/**
 * How the benchmark runs Starling's node, as the README advises operators to: a young generation of 64 MiB a
 * semi-space (V8's default is 16) halves the time an api process spends collecting the garbage each request leaves.
 */
export const STARLING_NODE_FLAGS = ['--max-semi-space-size=64'];

export async function startStarling(
  role: 'api' | 'fanout' | 'start',
  env: Record<string, string>,
  port: number,
  /** Options for node itself (a profiler, say: some are refused in NODE_OPTIONS). */
  nodeArgs: readonly string[] = [],
) {
  const args = [...STARLING_NODE_FLAGS, ...nodeArgs, new URL('bin/starling.js', ROOT).pathname, role];
  const child = spawn(process.execPath, args, {
    env: { ...process.env, LOG_LEVEL: 'warn', STARLING_RATE_LIMITS: 'off', ...env },
    stdio: ['ignore', 'inherit', 'inherit'],
  });
  await answering(child, port);
  return started(child);
}

/** The pure-pull baseline (bench/pull-api.ts): Starling's api without caches, on `port`. */
export async function startPullApi(env: Record<string, string>, port: number): Promise<Started> {
  const child = fork(new URL('bench/pull-api.ts', ROOT), [], {
    execArgv: ['--import', 'tsx'],
    env: { ...process.env, LOG_LEVEL: 'warn', STARLING_RATE_LIMITS: 'off', ...env },
    stdio: 'inherit',
  });
  await answering(child, port);
  return started(child);
}

export async function startCeiling(bodyFile: string, port: number): Promise<Started> {
  const child = fork(new URL('bench/ceiling-server.ts', ROOT), [bodyFile, String(port)], {
    execArgv: ['--import', 'tsx'],
    stdio: 'inherit',
  });
  // It says when it listens; if it exits first (its port taken, say), the run stops here rather than waiting for ever.
  await new Promise<void>((resolve, reject) => {
    child.once('message', () => resolve());
    child.once('exit', (code) =>
      reject(new Error(`the ceiling server exited (code ${code}) before it listened on port ${port}`)),
    );
  });
  return started(child);
}

function started(child: ChildProcess): Started {
  const exited = new Promise<void>((resolve) => child.once('exit', () => resolve()));
  return {
    child,
    async stop() {
      if (child.exitCode === null) child.kill('SIGTERM');
      await exited;
    },
  };
}

export async function waitForHttp(url: string, timeoutMs = 60_000): Promise<void> {
  const deadline = Date.now() + timeoutMs;
  for (;;) {
    try {
      if ((await fetch(url)).ok) return;
    } catch {
      // not up yet
    }
    if (Date.now() > deadline) throw new Error(`${url} did not answer`);
    await new Promise((resolve) => setTimeout(resolve, 100));
  }
}

/** Runs a command and returns its standard output. */
export function output(command: string, args: string[]): Promise<string> {
  return new Promise((resolve, reject) => {
    const child = spawn(command, args, { stdio: ['ignore', 'pipe', 'inherit'] });
    let text = '';
    child.stdout.on('data', (chunk) => {
      text += chunk;
    });
    child.once('error', reject);
    child.once('exit', (code) =>
      code === 0 ? resolve(text) : reject(new Error(`${command} exited ${code}`)),
    );
  });
}

/** Sums every sample of a Prometheus metric (all label sets), from a process's /metrics. */
export async function metric(base: string, name: string): Promise<number> {
  const text = await (await fetch(`${base}/metrics`)).text();
  let total = 0;
  for (const line of text.split('\n')) {
    if (line.startsWith(`${name} `) || line.startsWith(`${name}{`)) total += Number(line.split(' ').at(-1));
  }
  return total;
}

/** A histogram's cumulative buckets `[le, count]`, ascending, from a process's /metrics, optionally by label. */
export async function buckets(base: string, name: string, label = ''): Promise<[number, number][]> {
  const text = await (await fetch(`${base}/metrics`)).text();
  const out: [number, number][] = [];
  for (const line of text.split('\n')) {
    if (!line.startsWith(`${name}_bucket{`) || !line.includes(label)) continue;
    const le = /le="([^"]+)"/.exec(line)?.[1];
    if (!le) continue;
    out.push([le === '+Inf' ? Number.POSITIVE_INFINITY : Number(le), Number(line.split(' ').at(-1))]);
  }
  return out.sort((a, b) => a[0] - b[0]);
}

/**
 * A quantile of what a histogram observed between two snapshots of its buckets (as Prometheus's
 * `histogram_quantile` over an increase computes it); without `before`, of everything it observed.
 */
export function quantileOf(
  after: [number, number][],
  q: number,
  before: [number, number][] = [],
): number | null {
  const counts = after.map(([le, count], i) => [le, count - (before[i]?.[1] ?? 0)] as [number, number]);
  const total = counts.at(-1)?.[1] ?? 0;
  if (total === 0) return null;
  const rank = q * total;
  let previous: [number, number] = [0, 0];
  for (const bucket of counts) {
    if (bucket[1] >= rank) {
      if (!Number.isFinite(bucket[0])) return previous[0];
      const span = bucket[1] - previous[1];
      return previous[0] + (bucket[0] - previous[0]) * (span === 0 ? 0 : (rank - previous[1]) / span);
    }
    previous = bucket;
  }
  return previous[0];
}

/** A histogram quantile from Prometheus buckets (as `histogram_quantile` computes it), optionally by label. */
export async function quantile(base: string, name: string, q: number, label = ''): Promise<number | null> {
  return quantileOf(await buckets(base, name, label), q);
}
