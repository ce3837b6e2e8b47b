import pg from 'pg';
import type { SqlClient, SqlExecutor } from '../sql/sql-client.js';

export interface PgClientOptions {
  connectionString: string;
  /** Connections in the pool. */
  max?: number;
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

/** PostgreSQL through node-postgres: a pool for queries and transactions, one dedicated connection per LISTEN. */
export function openPgClient({ connectionString, max = 10 }: PgClientOptions): SqlClient {
  const pool = new pg.Pool({ connectionString, max });
  // An idle client that loses its server emits here; the next query gets a fresh one, so log-and-continue is right.
  pool.on('error', () => undefined);
  const wrap = (executor: pg.Pool | pg.PoolClient): SqlExecutor => ({
    async query<Row>(text: string, params: readonly unknown[] = []) {
      const values = params as unknown[];
      const result =
        values.length === 0
          ? await executor.query(text)
          : await executor.query({ name: statementName(text), text, values });
      return result.rows as Row[];
    },
    async exec(script: string) {
      // Without parameters node-postgres uses the simple protocol, which accepts several statements.
      await executor.query(script);
    },
  });
  return {
    ...wrap(pool),
    async transaction(work) {
      const client = await pool.connect();
      try {
        await client.query('BEGIN');
        const result = await work(wrap(client));
        await client.query('COMMIT');
        return result;
      } catch (error) {
        await client.query('ROLLBACK').catch(() => undefined);
        throw error;
      } finally {
        client.release();
      }
    },
    async listen(channel, onNotify) {
      const client = new pg.Client({ connectionString });
      client.on('error', () => undefined);
      await client.connect();
      client.on('notification', (message) => {
        if (message.channel === channel) onNotify();
      });
      await client.query(`LISTEN ${pg.escapeIdentifier(channel)}`);
      return async () => {
        await client.end().catch(() => undefined);
      };
    },
    close: () => pool.end(),
  };
}
