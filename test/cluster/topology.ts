import { execFile } from 'node:child_process';
import { readFile } from 'node:fs/promises';
import { promisify } from 'node:util';
import { Redis } from 'ioredis';
import pg from 'pg';
import { parseClusterNodes } from '../../src/adapters/redis/redis-topology.js';

/**
 * The topology `scripts/cluster.sh` runs, seen from a test: its ports, its parts' health, and the fault drills the
 * script offers (`kill <part>`, and `start` to bring every part back).
 */
const run = promisify(execFile);
const SCRIPT = new URL('../../scripts/cluster.sh', import.meta.url).pathname;
export const DIR = process.env.STARLING_CLUSTER_DIR ?? `${process.env.TMPDIR ?? '/tmp'}/starling-cluster`;
export const BASE = 'http://127.0.0.1:8080';
export const API_METRICS = [3101, 3102, 3103];
export const FANOUT_METRICS = [9471, 9472];
export const PRIMARY_URL = 'postgres://postgres@127.0.0.1:5441/starling';

/** What `scripts/cluster.sh status` says, part by part (it exits 1 when a part is unhealthy). */
export async function statusText(): Promise<string> {
  return run(SCRIPT, ['status']).then(
    ({ stdout }) => stdout,
    (error: { stdout?: string; stderr?: string }) => `${error.stdout ?? ''}${error.stderr ?? ''}`,
  );
}

export async function healthy(): Promise<boolean> {
  return run(SCRIPT, ['status']).then(
    () => true,
    () => false,
  );
}

export async function kill(part: string): Promise<void> {
  await run(SCRIPT, ['kill', part]);
}

/** Starts every part that is down, and waits until the script says every part is healthy. */
export async function heal(): Promise<void> {
  await run(SCRIPT, ['start'], { timeout: 180_000 });
  await until('every part of the cluster healthy', healthy, 60_000);
}

/** Resolves once `probe` holds, polling (it waits for the cluster to converge; it asserts nothing about time). */
export async function until(what: string, probe: () => Promise<boolean>, timeoutMs = 60_000): Promise<void> {
  const deadline = Date.now() + timeoutMs;
  for (;;) {
    if (await probe().catch(() => false)) return;
    if (Date.now() > deadline) throw new Error(`gave up waiting for ${what}`);
    await new Promise((resolve) => setTimeout(resolve, 50));
  }
}

/** The sum of a metric's series (optionally only those whose labels contain `match`) on one process. */
export async function metric(port: number, name: string, match = ''): Promise<number> {
  const text = await (await fetch(`http://127.0.0.1:${port}/metrics`)).text();
  let total = 0;
  for (const line of text.split('\n')) {
    if (!line.startsWith(name) || !line.includes(match)) continue;
    const rest = line.slice(name.length);
    if (rest.startsWith(' ') || rest.startsWith('{')) total += Number(line.split(' ').at(-1));
  }
  return total;
}

export const sumOver = async (ports: number[], name: string, match = '') =>
  (await Promise.all(ports.map((port) => metric(port, name, match)))).reduce((a, b) => a + b, 0);

/** Everything committed is fanned out: no event waits in the outbox or the log. */
export async function drained(): Promise<boolean> {
  const [backlog, pending] = await Promise.all([
    sumOver(FANOUT_METRICS, 'starling_outbox_backlog'),
    sumOver(FANOUT_METRICS, 'starling_log_consumer_pending'),
  ]);
  return backlog === 0 && pending === 0;
}

/** A setting of the running `api` processes (they are what the test talks to). */
export async function apiSetting(name: string): Promise<string | undefined> {
  const pid = (await readFile(`${DIR}/starling/api1.pid`, 'utf8')).trim();
  const environ = await readFile(`/proc/${pid}/environ`, 'utf8');
  const entry = environ.split('\0').find((e) => e.startsWith(`${name}=`));
  return entry?.slice(name.length + 1);
}

/** Which NATS node (1-3) leads the events stream. */
export async function natsLeader(): Promise<number | null> {
  for (const n of [1, 2, 3]) {
    try {
      const jsz = (await (await fetch(`http://127.0.0.1:823${n}/jsz?accounts=true&streams=true`)).json()) as {
        account_details?: { stream_detail?: { name: string; cluster?: { leader?: string } }[] }[];
      };
      for (const account of jsz.account_details ?? [])
        for (const stream of account.stream_detail ?? [])
          if (stream.name === 'starling_EVENTS' && stream.cluster?.leader)
            return Number(String(stream.cluster.leader).split('-').at(-1));
    } catch {
      // That node is down; ask the next.
    }
  }
  return null;
}

/** The cluster as a Redis node sees it, with each primary's port. */
export async function redisNodes(): Promise<{ text: string; primaries: number[]; failed: number }> {
  for (const port of [7101, 7102, 7103, 7104, 7105, 7106]) {
    const redis = new Redis({ port, host: '127.0.0.1', lazyConnect: true, maxRetriesPerRequest: 0 });
    redis.on('error', () => undefined);
    try {
      await redis.connect();
      const text = (await redis.call('CLUSTER', 'NODES')) as string;
      const topology = parseClusterNodes(text);
      const portOf = new Map(
        text
          .split('\n')
          .filter(Boolean)
          .map((line) => {
            const [id = '', address = ''] = line.split(' ');
            return [id, Number(address.split(':')[1]?.split('@')[0])] as const;
          }),
      );
      return {
        text,
        primaries: topology.primaries.map((id) => portOf.get(id) ?? 0),
        failed: topology.failedNodes,
      };
    } catch {
      // Down; ask the next.
    } finally {
      redis.disconnect();
    }
  }
  throw new Error('no Redis Cluster node answers');
}

/** The source of truth, asked directly on the primary. */
export async function truth() {
  const client = new pg.Client({ connectionString: PRIMARY_URL });
  await client.connect();
  return {
    /** The home timeline PostgreSQL implies: the reader's and their followees' active tweets, newest first. */
    async home(readerId: string, limit: number): Promise<string[]> {
      const { rows } = await client.query(
        `SELECT id::text FROM tweets WHERE status = 'ACTIVE' AND retweet_of_id IS NULL
            AND (author_id = $1::bigint OR author_id IN (SELECT followee_id FROM follows WHERE follower_id = $1::bigint))
          ORDER BY id DESC LIMIT $2`,
        [readerId, limit],
      );
      return rows.map((r) => r.id as string);
    },
    async statuses(ids: string[]): Promise<Map<string, string>> {
      const { rows } = await client.query(
        'SELECT id::text, status FROM tweets WHERE id = ANY($1::bigint[])',
        [ids],
      );
      return new Map(rows.map((r) => [r.id as string, r.status as string]));
    },
    close: () => client.end(),
  };
}
