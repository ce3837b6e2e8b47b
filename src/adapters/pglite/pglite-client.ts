import { PGlite } from '@electric-sql/pglite';
import type { SqlClient, SqlExecutor } from '../sql/sql-client.js';

/**
 * PostgreSQL compiled to WASM, kept in a folder: the embedded source of truth. One instance per process; it runs
 * statements one at a time, so transactions are serialised by PGlite itself.
 */
export async function openPgliteClient(dataDir: string | undefined): Promise<SqlClient> {
  const db = await PGlite.create(dataDir);
  const wrap = (executor: Pick<PGlite, 'query' | 'exec'>): SqlExecutor => ({
    async query<Row>(text: string, params: readonly unknown[] = []) {
      const result = await executor.query<Row>(text, params as unknown[]);
      return result.rows;
    },
    async exec(script: string) {
      await executor.exec(script);
    },
  });
  return {
    ...wrap(db),
    transaction: (work) => db.transaction((tx) => work(wrap(tx))),
    async listen(channel, onNotify) {
      const unlisten = await db.listen(channel, onNotify);
      return unlisten;
    },
    close: () => db.close(),
  };
}
