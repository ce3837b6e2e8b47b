/** The benchmark's PostgreSQL database: made anew for each run, and its write ceiling measured by pgbench. */
import { mkdtemp, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import pg from 'pg';
import type { SqlClient } from '../src/adapters/sql/sql-client.js';
import { output } from './processes.js';

/** Drops and creates the database `url` names (connecting to `postgres` on the same server to do it). */
export async function recreateDatabase(databaseUrl: string) {
  const url = new URL(databaseUrl);
  const name = url.pathname.slice(1);
  url.pathname = '/postgres';
  const admin = new pg.Client({ connectionString: url.toString() });
  await admin.connect();
  await admin.query(`DROP DATABASE IF EXISTS ${name} WITH (FORCE)`);
  await admin.query(`CREATE DATABASE ${name}`);
  await admin.end();
}

/**
 * The PostgreSQL ceiling for writes: pgbench running one-row insert transactions (each commit waits for its WAL
 * flush, as a post's does) from 16 clients, into a scratch table of the database at `databaseUrl` (`sql`'s).
 */
export async function postgresCeiling(sql: SqlClient, databaseUrl: string, seconds: number) {
  await sql.exec('CREATE TABLE IF NOT EXISTS bench_ceiling (id bigserial PRIMARY KEY, body text NOT NULL)');
  const dir = await mkdtemp(join(tmpdir(), 'starling-pgbench-'));
  const script = join(dir, 'insert.sql');
  await writeFile(script, "INSERT INTO bench_ceiling (body) VALUES ('a post-sized row of text');\n");
  const text = await output('pgbench', [
    '-n',
    '-c',
    '16',
    '-j',
    '2',
    '-T',
    String(Math.max(3, Math.round(seconds))),
    '-f',
    script,
    databaseUrl,
  ]);
  await sql.exec('DROP TABLE bench_ceiling');
  await rm(dir, { recursive: true, force: true });
  return {
    transactionsPerSecond: Number(/tps = ([\d.]+)/.exec(text)?.[1] ?? 0),
    latencyMs: Number(/latency average = ([\d.]+) ms/.exec(text)?.[1] ?? 0),
  };
}
