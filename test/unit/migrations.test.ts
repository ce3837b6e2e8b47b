import { createHash } from 'node:crypto';
import { readdirSync, readFileSync } from 'node:fs';
import { beforeAll, describe, expect, it } from 'vitest';
import { migrate } from '../../src/adapters/sql/migrate.js';
import type { SqlClient } from '../../src/adapters/sql/sql-client.js';
import { sharedPglite } from '../support/database.js';

/**
 * Migrations are append-only: a database records which files it has applied and never runs one again, so an edit to
 * a shipped file reaches only databases created after it. migrations/SHA256SUMS holds the digest of every file
 * (`sha256sum -c SHA256SUMS` in migrations/ checks it too); a new migration appends its line, an old one never changes.
 */
const DIR = new URL('../../migrations/', import.meta.url);
const MANIFEST = 'SHA256SUMS';

function sha256(file: string): string {
  return createHash('sha256')
    .update(readFileSync(new URL(file, DIR)))
    .digest('hex');
}

function manifest(): Map<string, string> {
  const listed = new Map<string, string>();
  for (const line of readFileSync(new URL(MANIFEST, DIR), 'utf8').split('\n')) {
    if (line.trim() === '') continue;
    const match = /^([0-9a-f]{64}) [ *](\S+)$/.exec(line);
    if (!match?.[1] || !match[2])
      throw new Error(`migrations/${MANIFEST}: not a "<sha256>  <file>" line: ${line}`);
    listed.set(match[2], match[1]);
  }
  return listed;
}

const files = readdirSync(DIR)
  .filter((file) => file.endsWith('.sql'))
  .sort();

describe('migrations', () => {
  it('leaves every shipped migration as it was', () => {
    const changed = [...manifest()].filter(
      ([file, digest]) => !files.includes(file) || sha256(file) !== digest,
    );
    const paths = changed.map(([file]) => `migrations/${file}`).join(' ');
    expect(
      changed.map(([file]) => file),
      `${paths}: removed or edited after it shipped. Databases that applied a migration never run it again, so ` +
        `restore it (git checkout main -- ${paths}) and put the change in a new numbered migration.`,
    ).toEqual([]);
  });

  it('lists every migration in the manifest', () => {
    const listed = manifest();
    const unlisted = files.filter((file) => !listed.has(file));
    expect(
      unlisted,
      `not in migrations/${MANIFEST}: ${unlisted.join(', ')}. Append each new migration's line ` +
        `(cd migrations && sha256sum ${unlisted.join(' ')} >> ${MANIFEST}); never rewrite the lines already there.`,
    ).toEqual([]);
  });

  it('numbers each migration uniquely, so the order they apply in is the order they were written in', () => {
    const numbers = files.map((file) => /^(\d{3})_[a-z0-9_]+\.sql$/.exec(file)?.[1] ?? `unnumbered: ${file}`);
    expect(numbers.filter((number, i) => numbers.indexOf(number) !== i)).toEqual([]);
    expect(numbers.filter((number) => number.startsWith('unnumbered'))).toEqual([]);
  });
});

describe('014_search_statistics.sql', () => {
  let sql: SqlClient;
  beforeAll(async () => {
    sql = await sharedPglite();
  });

  const target = async () => {
    const [row] = await sql.query<{ target: number | null }>(
      `SELECT attstattarget AS target FROM pg_attribute WHERE attrelid = 'tweets'::regclass AND attname = 'search'`,
    );
    return row?.target;
  };

  it('gives a database migrated before 007 set the statistics target the one 007 sets now', async () => {
    expect(await target()).toBe(1000);
    // Such a database: the column at the default target, 007 applied, 014 not yet.
    await sql.exec(`ALTER TABLE tweets ALTER COLUMN search SET STATISTICS -1`);
    await sql.query(`DELETE FROM schema_migrations WHERE version = '014_search_statistics.sql'`);
    expect(await target()).not.toBe(1000);
    expect(await migrate(sql)).toEqual(['014_search_statistics.sql']);
    expect(await target()).toBe(1000);
  });
});
