import type { MediaAttachment } from '../../domain/model.js';
import type { MediaAttachmentStore, MediaChanges } from '../../ports/media-attachments.js';
import { idParam, idsParam, type SqlExecutor, toBigInt, toNumber } from './sql-client.js';

interface MediaRow {
  id: unknown;
  account_id: unknown;
  tweet_id: unknown;
  file_key: string;
  preview_key: string;
  width: unknown;
  height: unknown;
  preview_width: unknown;
  preview_height: unknown;
  focus_x: unknown;
  focus_y: unknown;
  description: string;
  blurhash: string | null;
  created_at: Date;
}

const COLUMNS = `id, account_id, tweet_id, file_key, preview_key, width, height, preview_width, preview_height,
  focus_x, focus_y, description, blurhash, created_at`;

const toMedia = (row: MediaRow): MediaAttachment => ({
  id: toBigInt(row.id),
  accountId: toBigInt(row.account_id),
  tweetId: row.tweet_id === null ? null : toBigInt(row.tweet_id),
  fileKey: row.file_key,
  previewKey: row.preview_key,
  width: toNumber(row.width),
  height: toNumber(row.height),
  previewWidth: toNumber(row.preview_width),
  previewHeight: toNumber(row.preview_height),
  focus: { x: toNumber(row.focus_x), y: toNumber(row.focus_y) },
  description: row.description,
  blurhash: row.blurhash,
  createdAt: new Date(row.created_at),
});

export class SqlMediaAttachments implements MediaAttachmentStore {
  constructor(private readonly db: SqlExecutor) {}

  async create(media: MediaAttachment): Promise<void> {
    await this.db.query(
      `INSERT INTO media_attachments (${COLUMNS})
       VALUES ($1::bigint, $2::bigint, NULL, $3, $4, $5, $6, $7, $8, $9, $10, $11, $12, $13)`,
      [
        idParam(media.id),
        idParam(media.accountId),
        media.fileKey,
        media.previewKey,
        media.width,
        media.height,
        media.previewWidth,
        media.previewHeight,
        media.focus.x,
        media.focus.y,
        media.description,
        media.blurhash,
        media.createdAt,
      ],
    );
  }

  async ownedBy(accountId: bigint, ids: readonly bigint[]): Promise<Map<bigint, MediaAttachment>> {
    if (ids.length === 0) return new Map();
    const rows = await this.db.query<MediaRow>(
      `SELECT ${COLUMNS} FROM media_attachments WHERE id = ANY($1::bigint[]) AND account_id = $2::bigint`,
      [idsParam(ids), idParam(accountId)],
    );
    return new Map(rows.map((row) => [toBigInt(row.id), toMedia(row)]));
  }

  async updateUnattached(
    accountId: bigint,
    id: bigint,
    changes: MediaChanges,
  ): Promise<MediaAttachment | null> {
    const [row] = await this.db.query<MediaRow>(
      `UPDATE media_attachments
          SET description = coalesce($3, description), focus_x = coalesce($4, focus_x),
              focus_y = coalesce($5, focus_y)
        WHERE id = $1::bigint AND account_id = $2::bigint AND tweet_id IS NULL
        RETURNING ${COLUMNS}`,
      [
        idParam(id),
        idParam(accountId),
        changes.description ?? null,
        changes.focus?.x ?? null,
        changes.focus?.y ?? null,
      ],
    );
    return row ? toMedia(row) : null;
  }
}
