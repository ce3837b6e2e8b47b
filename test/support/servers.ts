import { Socket } from 'node:net';
import { inject, type TestOptions } from 'vitest';

export const SERVER_NAMES = ['postgres', 'redis', 'redisCluster', 'nats'] as const;
export type ServerName = (typeof SERVER_NAMES)[number];

/** Where the tests look for each server; override with these variables. */
export const SERVER_DEFAULTS: Record<ServerName, { env: string; url: string }> = {
  postgres: { env: 'TEST_DATABASE_URL', url: 'postgres://postgres@127.0.0.1:5432/test' },
  redis: { env: 'TEST_REDIS_URL', url: 'redis://127.0.0.1:6379' },
  redisCluster: { env: 'TEST_REDIS_CLUSTER_NODES', url: '127.0.0.1:7001,127.0.0.1:7002,127.0.0.1:7003' },
  nats: { env: 'TEST_NATS_URL', url: 'nats://127.0.0.1:4222' },
};

function hostPort(url: string): { host: string; port: number } {
  const first = url.split(',')[0] ?? url;
  const parsed = new URL(first.includes('://') ? first : `tcp://${first}`);
  return { host: parsed.hostname, port: Number(parsed.port) };
}

function reachable(url: string, timeoutMs = 1_000): Promise<string | null> {
  const { host, port } = hostPort(url);
  return new Promise((resolve) => {
    const socket = new Socket();
    const done = (reason: string | null) => {
      socket.destroy();
      resolve(reason);
    };
    socket.setTimeout(timeoutMs, () => done(`no answer from ${host}:${port} within ${timeoutMs} ms`));
    socket.once('error', (error) => done(`${host}:${port}: ${error.message}`));
    socket.connect(port, host, () => done(null));
  });
}

export async function probeServers(): Promise<Record<ServerName, { url: string | null; reason: string }>> {
  const entries = await Promise.all(
    SERVER_NAMES.map(async (name) => {
      const { env, url: fallback } = SERVER_DEFAULTS[name];
      const url = process.env[env] || fallback;
      const reason = await reachable(url);
      return [name, { url: reason === null ? url : null, reason: reason ?? 'reachable' }] as const;
    }),
  );
  return Object.fromEntries(entries) as Record<ServerName, { url: string | null; reason: string }>;
}

/** The address of a server the global set-up found reachable, or null (the suite is then skipped). */
export const serverUrl = (name: ServerName): string | null => inject('servers')[name];

declare module 'vitest' {
  interface TaskMeta {
    /** Why a suite was skipped: test/support/skipped-reporter.ts lists it at the end of the run. */
    skipReason?: string;
  }
}

/** Options for a `describe` that runs only when `condition` holds, and otherwise is skipped for `reason`. */
export function runIf(condition: boolean, reason: string): TestOptions {
  return condition ? {} : { skip: true, meta: { skipReason: reason } };
}

/** Options for a `describe` whose tests need these servers: skipped, naming each one that is not reachable and why. */
export function needs(...names: ServerName[]): TestOptions {
  const reasons = inject('serverReasons');
  const missing = names.filter((name) => serverUrl(name) === null);
  return runIf(
    missing.length === 0,
    `needs ${missing.map((name) => `${name} (${reasons[name]})`).join(', ')}`,
  );
}
