import { openPgliteClient } from '../../src/adapters/pglite/pglite-client.js';
import { openPgClient } from '../../src/adapters/postgres/pg-client.js';
import { migrate } from '../../src/adapters/sql/migrate.js';
import type { SqlClient } from '../../src/adapters/sql/sql-client.js';

let embedded: Promise<SqlClient> | undefined;

/** One in-memory PGlite per test worker, migrated once and shared by every file the worker runs. */
export function sharedPglite(): Promise<SqlClient> {
  embedded ??= openPgliteClient(undefined).then(async (sql) => {
    await migrate(sql);
    return sql;
  });
  return embedded;
}

const postgres = new Map<string, Promise<SqlClient>>();

/**
 * A PostgreSQL connection whose tables live in a schema of this test worker's own, so workers running at once never
 * see each other's rows.
 */
export function sharedPostgres(url: string): Promise<SqlClient> {
  let client = postgres.get(url);
  if (!client) {
    const schema = `starling_test_${process.env.VITEST_POOL_ID ?? '0'}`;
    client = (async () => {
      const admin = openPgClient({ connectionString: url, max: 1 });
      await admin.query(`DROP SCHEMA IF EXISTS ${schema} CASCADE`);
      await admin.query(`CREATE SCHEMA ${schema}`);
      await admin.close();
      const scoped = new URL(url);
      scoped.searchParams.set('options', `-c search_path=${schema}`);
      const sql = openPgClient({ connectionString: scoped.toString(), max: 10 });
      await migrate(sql);
      return sql;
    })();
    postgres.set(url, client);
  }
  return client;
}

/** Empties every table but the migration record, so each test starts from a blank database. */
export async function resetDatabase(sql: SqlClient): Promise<void> {
  const tables = await sql.query<{ name: string }>(
    `SELECT quote_ident(tablename) AS name FROM pg_tables
      WHERE schemaname = current_schema() AND tablename <> 'schema_migrations'`,
  );
  if (tables.length > 0) await sql.exec(`TRUNCATE ${tables.map((t) => t.name).join(', ')} RESTART IDENTITY`);
}
