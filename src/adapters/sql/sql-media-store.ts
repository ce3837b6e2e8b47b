import { MEDIA_KEY } from '../../domain/media.js';
import type { MediaStore, StoredFile } from '../../ports/media-store.js';
import type { SqlExecutor } from './sql-client.js';

/**
 * Services mode's media store: files in PostgreSQL (`bytea`), so every api process on every host reads what any of
 * them wrote, with no shared disk. Right for a few million images; at scale the files belong in object storage behind
 * a CDN (see the README), and this adapter is what such a store would replace.
 */
export class SqlMediaStore implements MediaStore {
  constructor(private readonly db: SqlExecutor) {}

  async put(key: string, file: StoredFile): Promise<void> {
    if (!MEDIA_KEY.test(key)) throw new Error(`not a media key: ${JSON.stringify(key)}`);
    await this.db.query(
      `INSERT INTO media_files (key, content_type, bytes) VALUES ($1, $2, $3)
       ON CONFLICT (key) DO UPDATE SET content_type = EXCLUDED.content_type, bytes = EXCLUDED.bytes`,
      [key, file.contentType, file.bytes],
    );
  }

  async get(key: string): Promise<StoredFile | null> {
    if (!MEDIA_KEY.test(key)) return null;
    const [row] = await this.db.query<{ content_type: string; bytes: Uint8Array }>(
      'SELECT content_type, bytes FROM media_files WHERE key = $1',
      [key],
    );
    return row ? { contentType: row.content_type, bytes: row.bytes } : null;
  }

  async delete(keys: readonly string[]): Promise<void> {
    if (keys.length === 0) return;
    await this.db.query('DELETE FROM media_files WHERE key = ANY($1::text[])', [keys]);
  }
}
