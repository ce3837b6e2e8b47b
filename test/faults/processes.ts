import { type ChildProcess, spawn } from 'node:child_process';
import { mkdtemp, rm } from 'node:fs/promises';
import { createServer, Socket } from 'node:net';
import { tmpdir } from 'node:os';
import { join } from 'node:path';

/**
 * Real processes for fault tests: Starling's own `api` and `fanout` commands, and private NATS and Redis servers on
 * spare ports, so a test can kill -9 or stop them without touching anything another test uses.
 */

/** Below Linux's ephemeral range (32768–60999): a port the kernel never hands out as a connection's own. */
const SPARE_PORTS = { from: 20_000, to: 32_000 };

/**
 * A port nothing listens on now, for a process the test is about to start. Taken from below the ephemeral range: a
 * port bound to 0 and released is one the kernel may give the next outgoing connection (of this or any test) before
 * the process binds it.
 */
export async function freePort(): Promise<number> {
  for (;;) {
    const port = SPARE_PORTS.from + Math.floor(Math.random() * (SPARE_PORTS.to - SPARE_PORTS.from));
    const free = await new Promise<boolean>((resolve) => {
      const server = createServer();
      server.once('error', () => resolve(false));
      server.listen(port, '127.0.0.1', () => server.close(() => resolve(true)));
    });
    if (free) return port;
  }
}

/** Resolves once `probe` succeeds, polling (this waits for a process to start; it asserts nothing about time). */
export async function until(what: string, probe: () => Promise<boolean>, timeoutMs = 30_000): Promise<void> {
  const deadline = Date.now() + timeoutMs;
  for (;;) {
    if (await probe().catch(() => false)) return;
    if (Date.now() > deadline) throw new Error(`gave up waiting for ${what}`);
    await new Promise((resolve) => setTimeout(resolve, 50));
  }
}

export interface Process {
  child: ChildProcess;
  output: () => string;
  kill(signal?: NodeJS.Signals): Promise<void>;
}

export function track(child: ChildProcess): Process {
  let output = '';
  child.stdout?.on('data', (chunk) => {
    output += chunk;
  });
  child.stderr?.on('data', (chunk) => {
    output += chunk;
  });
  const exited = new Promise<void>((resolve) => child.once('exit', () => resolve()));
  return {
    child,
    output: () => output,
    async kill(signal = 'SIGKILL') {
      if (child.exitCode === null && child.signalCode === null) child.kill(signal);
      await exited;
    },
  };
}

const BIN = new URL('../../bin/starling.js', import.meta.url).pathname;

/** `starling api` or `starling fanout` from the built package, with the given environment. */
export function starling(role: 'api' | 'fanout', env: Record<string, string>): Process {
  return track(
    spawn(process.execPath, [BIN, role], {
      env: { PATH: process.env.PATH ?? '', LOG_LEVEL: 'warn', STARLING_RATE_LIMITS: 'off', ...env },
      stdio: ['ignore', 'pipe', 'pipe'],
    }),
  );
}

export async function natsServer(port: number, storeDir?: string): Promise<Process & { storeDir: string }> {
  const dir = storeDir ?? (await mkdtemp(join(tmpdir(), 'starling-nats-')));
  const child = track(
    spawn('nats-server', ['-a', '127.0.0.1', '-p', String(port), '-js', '-sd', dir], { stdio: 'pipe' }),
  );
  await until(`nats on ${port}`, () => tcpOpen(port));
  return { ...child, storeDir: dir };
}

export async function redisServer(port: number): Promise<Process> {
  const child = track(
    spawn(
      'redis-server',
      ['--port', String(port), '--bind', '127.0.0.1', '--save', '', '--appendonly', 'no'],
      {
        stdio: 'pipe',
      },
    ),
  );
  await until(`redis on ${port}`, () => tcpOpen(port));
  return child;
}

export function tcpOpen(port: number): Promise<boolean> {
  return new Promise((resolve) => {
    const socket = new Socket();
    socket.once('error', () => resolve(false));
    socket.connect(port, '127.0.0.1', () => {
      socket.destroy();
      resolve(true);
    });
  });
}

export const removeDir = (dir: string) => rm(dir, { recursive: true, force: true });
