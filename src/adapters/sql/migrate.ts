import { readdir, readFile } from 'node:fs/promises';
import type { SqlClient } from './sql-client.js';

/** `migrations/` at the package root, the same from `src/` and from `dist/`. */
const MIGRATIONS_DIR = new URL('../../../migrations/', import.meta.url);

/** An arbitrary constant: the advisory lock that keeps two processes from migrating at once. */
const MIGRATION_LOCK = 4_711_042;
/** A migration may rewrite a large table, and waits for another process's migration: not the usual statement bound. */
const MIGRATION_TIMEOUT_MS = 15 * 60_000;

/**
 * Applies every migration not yet applied, in file-name order, each in its own transaction. Safe to run from several
 * processes at once: they queue on an advisory lock and the later ones find nothing to do.
 */
export async function migrate(db: SqlClient): Promise<string[]> {
  await db.query(
    `CREATE TABLE IF NOT EXISTS schema_migrations (version TEXT PRIMARY KEY, applied_at TIMESTAMPTZ NOT NULL DEFAULT now())`,
  );
  // What is already applied is read once, so a start with nothing to do opens no transaction; a file not listed is
  // checked again under the lock, where another process may have applied it meanwhile.
  const done = new Set(
    (await db.query<{ version: string }>('SELECT version FROM schema_migrations')).map((row) => row.version),
  );
  const files = (await readdir(MIGRATIONS_DIR)).filter((f) => f.endsWith('.sql') && !done.has(f)).sort();
  const applied: string[] = [];
  for (const file of files) {
    const sql = await readFile(new URL(file, MIGRATIONS_DIR), 'utf8');
    const ran = await db.transaction(
      async (tx) => {
        await tx.query('SELECT pg_advisory_xact_lock($1)', [MIGRATION_LOCK]);
        const already = await tx.query('SELECT 1 FROM schema_migrations WHERE version = $1', [file]);
        if (already.length > 0) return false;
        await tx.exec(sql);
        await tx.query('INSERT INTO schema_migrations (version) VALUES ($1)', [file]);
        return true;
      },
      { timeoutMs: MIGRATION_TIMEOUT_MS },
    );
    if (ran) applied.push(file);
  }
  return applied;
}
