import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { openPgClient } from '../../src/adapters/postgres/pg-client.js';
import type { SqlClient } from '../../src/adapters/sql/sql-client.js';
import { isDependencyLost, toHttpError } from '../../src/http/errors.js';
import { needs, serverUrl } from '../support/servers.js';
import { startTcpProxy, type TcpProxy } from './tcp-proxy.js';

/**
 * The PostgreSQL client through a link the test holds or cuts: every call ends within its bound with an error that
 * says the database was lost (a 503, never a 500), nothing is left to crash the process, and the next call after the
 * link is back succeeds on a fresh connection.
 */
const postgres = serverUrl('postgres');
const TIMEOUTS = { connectMs: 500, statementMs: 500 };

/** The status a request failing with `error` would answer with. */
const statusOf = (error: unknown) => toHttpError(error).status;

async function failure(work: Promise<unknown>): Promise<unknown> {
  try {
    await work;
  } catch (error) {
    return error;
  }
  throw new Error('expected the call to fail');
}

describe('PostgreSQL through a link that fails', needs('postgres'), () => {
  let proxy: TcpProxy;
  let sql: SqlClient;

  beforeEach(async () => {
    const url = new URL(postgres as string);
    proxy = await startTcpProxy({ host: url.hostname, port: Number(url.port || 5432) });
    url.host = `127.0.0.1:${proxy.port}`;
    sql = openPgClient({ connectionString: url.toString(), max: 4, timeouts: TIMEOUTS });
    await sql.query('SELECT 1');
  });
  afterEach(async () => {
    proxy.set('pass');
    await sql.close();
    await proxy.close();
  });

  it('a held link fails a query with "unavailable", and the next query after it passes again succeeds', async () => {
    proxy.set('hold');
    const error = await failure(sql.query('SELECT 1'));
    expect(isDependencyLost(error)).toBe(true);
    expect(statusOf(error)).toBe(503);
    // New connections, too, give up within the connect bound rather than wait for the link.
    const more = await Promise.all([1, 2, 3, 4, 5].map(() => failure(sql.query('SELECT 2'))));
    expect(more.map(statusOf)).toEqual([503, 503, 503, 503, 503]);
    proxy.set('pass');
    expect(await sql.query<{ n: number }>('SELECT 3 AS n')).toEqual([{ n: 3 }]);
  });

  it('a cut link fails queries at once with "unavailable", and recovers', async () => {
    proxy.set('cut');
    const errors = await Promise.all([1, 2, 3].map(() => failure(sql.query('SELECT 1'))));
    expect(errors.map(statusOf)).toEqual([503, 503, 503]);
    proxy.set('pass');
    expect(await sql.query<{ n: number }>('SELECT 4 AS n')).toEqual([{ n: 4 }]);
  });

  it('a connection reset inside a transaction, between two statements, fails the transaction and crashes nothing', async () => {
    let resume: () => void = () => undefined;
    const paused = new Promise<void>((resolve) => {
      resume = resolve;
    });
    let reached: () => void = () => undefined;
    const inside = new Promise<void>((resolve) => {
      reached = resolve;
    });
    const transaction = sql.transaction(async (tx) => {
      await tx.query('SELECT 1');
      reached();
      await paused; // as the relay awaits NATS with its rows locked
      await tx.query('SELECT 2');
    });
    await inside;
    // The reset arrives while no statement is running: without a listener this would be an unhandled 'error'.
    proxy.set('cut');
    // A query on another connection fails only after the event loop has seen the resets, this one's included.
    expect(statusOf(await failure(sql.query('SELECT 1')))).toBe(503);
    proxy.set('pass');
    resume();
    const error = await failure(transaction);
    expect(statusOf(error)).toBe(503);
    expect(await sql.query<{ n: number }>('SELECT 5 AS n')).toEqual([{ n: 5 }]);
    expect(await sql.transaction((tx) => tx.query<{ n: number }>('SELECT 6 AS n'))).toEqual([{ n: 6 }]);
  });

  it('a held link fails a transaction within the statement bound, and its connection is not reused', async () => {
    const transaction = sql.transaction(async (tx) => {
      await tx.query('SELECT 1');
      proxy.set('hold');
      await tx.query('SELECT 2');
    });
    expect(statusOf(await failure(transaction))).toBe(503);
    proxy.set('pass');
    expect(await sql.transaction((tx) => tx.query<{ n: number }>('SELECT 7 AS n'))).toEqual([{ n: 7 }]);
  });

  it('LISTEN comes back by itself after its connection is cut, and says something may have been missed', async () => {
    let notified = 0;
    let wake: () => void = () => undefined;
    const next = () =>
      new Promise<void>((resolve) => {
        wake = resolve;
      });
    let arrived = next();
    const unlisten = await sql.listen('starling_link_test', () => {
      notified += 1;
      wake();
    });
    try {
      await sql.query("SELECT pg_notify('starling_link_test', '')");
      await arrived;
      expect(notified).toBe(1);
      arrived = next();
      proxy.set('cut');
      proxy.set('pass');
      // Reconnected: it calls back once on its own (a notification may have been lost while it was away)…
      await arrived;
      expect(notified).toBe(2);
      // …and hears notifications again.
      arrived = next();
      await sql.query("SELECT pg_notify('starling_link_test', '')");
      await arrived;
      expect(notified).toBe(3);
    } finally {
      await unlisten();
    }
  });
});
