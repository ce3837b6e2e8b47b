import pg from 'pg';
import type { SqlClient, SqlExecutor, TransactionOptions } from '../sql/sql-client.js';
import { openListener } from './pg-listener.js';

export interface PgTimeouts {
  /** Bound on opening a connection, and on waiting for a free one in the pool. */
  connectMs: number;
  /**
   * Bound on each statement: the server cancels it (`statement_timeout`), and the client gives up on an answer that
   * never comes (`query_timeout`), which is what bounds a call to a server that is unreachable but not refusing.
   */
  statementMs: number;
}

export const DEFAULT_PG_TIMEOUTS: PgTimeouts = { connectMs: 2_000, statementMs: 2_000 };

export interface PgClientOptions {
  connectionString: string;
  /** Connections in the pool. */
  max?: number;
  timeouts?: PgTimeouts;
}

/**
 * Names for parameterised statements. Every query text is a constant of the code (values always travel as
 * parameters), so each is prepared once per connection and its plan reused: for the short lookups on the read path,
 * planning would otherwise cost more than running them.
 */
const statementNames = new Map<string, string>();
function statementName(text: string): string {
  let name = statementNames.get(text);
  if (name === undefined) {
    name = `starling_${statementNames.size + 1}`;
    statementNames.set(text, name);
  }
  return name;
}

/**
 * Whether a connection that failed this way may be used again: only an error the server answered with (a SQLSTATE)
 * leaves it in a known state. A timeout or a reset leaves a statement in flight, or no server at all.
 */
const leavesConnectionUsable = (error: unknown): boolean => {
  const code = (error as { code?: unknown } | null)?.code;
  return typeof code === 'string' && /^[0-9A-Z]{5}$/.test(code) && !/^(08|57P)/.test(code);
};

/** A transaction idle this long (its process stopped or hung mid-way) is ended by the server, freeing its locks. */
const IDLE_IN_TRANSACTION_MS = 10_000;

/**
 * PostgreSQL through node-postgres: a pool for queries and transactions, one dedicated connection per LISTEN. Every
 * call is bounded (see {@link PgTimeouts}); a connection that fails is dropped and replaced, never reused, and a lost
 * server never surfaces as an unhandled 'error' event.
 */
export function openPgClient({
  connectionString,
  max = 10,
  timeouts = DEFAULT_PG_TIMEOUTS,
}: PgClientOptions): SqlClient {
  const connection = {
    connectionString,
    connectionTimeoutMillis: timeouts.connectMs,
    statement_timeout: timeouts.statementMs,
    query_timeout: timeouts.statementMs,
    idle_in_transaction_session_timeout: IDLE_IN_TRANSACTION_MS,
    // A server that vanished without closing (a cut cable, a host gone) is noticed by TCP keepalives.
    keepAlive: true,
    keepAliveInitialDelayMillis: 10_000,
  };
  const pool = new pg.Pool({ ...connection, max });
  // An idle client that loses its server emits here; the pool drops it and the next query gets a fresh one.
  pool.on('error', () => undefined);
  const wrap = (executor: pg.Pool | pg.PoolClient, timeoutMs?: number): SqlExecutor => ({
    async query<Row>(text: string, params: readonly unknown[] = []) {
      const values = params as unknown[];
      const bound = timeoutMs === undefined ? {} : { query_timeout: timeoutMs };
      const result =
        values.length === 0
          ? await executor.query({ text, ...bound })
          : await executor.query({ name: statementName(text), text, values, ...bound });
      return result.rows as Row[];
    },
    async exec(script: string) {
      // Without parameters node-postgres uses the simple protocol, which accepts several statements.
      await executor.query({
        text: script,
        ...(timeoutMs === undefined ? {} : { query_timeout: timeoutMs }),
      });
    },
  });
  return {
    ...wrap(pool),
    async transaction<T>(work: (tx: SqlExecutor) => Promise<T>, options: TransactionOptions = {}) {
      const client = await pool.connect();
      // A checked-out client has no listener of the pool's: without one, a reset between two statements (while the
      // caller awaits something else) would be an unhandled 'error' event, which ends the process.
      let lost: unknown;
      const onError = (error: unknown) => {
        lost = error;
      };
      client.on('error', onError);
      try {
        await client.query('BEGIN');
        if (options.timeoutMs !== undefined) {
          await client.query(`SET LOCAL statement_timeout = ${Math.max(0, Math.floor(options.timeoutMs))}`);
        }
        const result = await work(wrap(client, options.timeoutMs));
        await client.query('COMMIT');
        client.removeListener('error', onError);
        client.release();
        return result;
      } catch (error) {
        client.removeListener('error', onError);
        if (lost === undefined && leavesConnectionUsable(error)) {
          await client.query('ROLLBACK').then(
            () => client.release(),
            (failed: Error) => client.release(failed),
          );
        } else {
          // The server rolls back a transaction whose connection closes.
          client.release(error instanceof Error ? error : new Error(String(lost ?? error)));
        }
        throw error;
      }
    },
    listen: (channel, onNotify) => openListener(connection, channel, onNotify),
    close: () => pool.end(),
  };
}
