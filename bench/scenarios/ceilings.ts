import { mkdtemp, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import type { SqlClient } from '../../src/adapters/sql/sql-client.js';
import { postgresCeiling } from '../postgres.js';
import { startCeiling } from '../processes.js';
import { API, CEILING, durationMs, postgresUrl, say } from '../settings.js';
import { redis } from '../stack.js';
import { wrk } from '../wrk.js';

/**
 * The machine's ceilings, measured in the same run as Starling: Redis's pipelined list commands, a bare Fastify
 * route answering with a real 50-tweet home page (driven by the same wrk settings as the home reads), and pgbench's
 * one-row commits.
 */
export async function ceilingsScenario(sql: SqlClient) {
  const page = await (
    await fetch(`${API.base}/api/v1/timelines/home?limit=40`, {
      headers: { authorization: 'Bearer benchtoken000000000001' },
    })
  ).text();
  const dir = await mkdtemp(join(tmpdir(), 'starling-bench-'));
  await writeFile(join(dir, 'page.json'), page);

  say('ceilings: redis-benchmark, pgbench, bare Fastify');
  const redisCeiling = await redis.ceilings();
  const ceiling = await startCeiling(join(dir, 'page.json'), CEILING.port);
  const http = await wrk(`${CEILING.base}/page`, durationMs / 3_000);
  await ceiling.stop();
  await rm(dir, { recursive: true, force: true });
  // pgbench ships with the PostgreSQL server; a run against a remote database may not have it.
  const pgCeiling = await postgresCeiling(sql, postgresUrl, durationMs / 3_000).catch((error: unknown) => {
    say(`no PostgreSQL ceiling: ${String(error)}`);
    return undefined;
  });
  return { redisCeiling, httpCeiling: { ...http, pageBytes: page.length }, postgresCeiling: pgCeiling };
}
