import { validationFailed } from '../../domain/errors.js';
import type { AttachedMedia } from '../../domain/model.js';
import { type MediaJson, mediaJson, toAttachedMedia } from './rows.js';
import { idParam, idsParam, type SqlExecutor } from './sql-client.js';

/**
 * The images a post lists, locked for the transaction that attaches them: each must be the author's own and attached
 * to no post but this one (`tweetId`, which an edit keeps). Otherwise nothing is written: a validation error. Locking
 * makes two posts racing for one image take turns; the second finds it attached and is refused.
 */
export async function lockMedia(
  tx: SqlExecutor,
  authorId: bigint,
  mediaIds: readonly bigint[],
  tweetId: bigint,
): Promise<AttachedMedia[]> {
  if (mediaIds.length === 0) return [];
  const ids = idsParam(mediaIds);
  const locked = await tx.query(
    `SELECT id FROM media_attachments
      WHERE id = ANY($1::bigint[]) AND account_id = $2::bigint AND (tweet_id IS NULL OR tweet_id = $3::bigint)
      FOR UPDATE`,
    [ids, idParam(authorId), idParam(tweetId)],
  );
  if (locked.length !== new Set(mediaIds).size) {
    throw validationFailed('media_ids must name your own uploads that no other post lists');
  }
  const [row] = await tx.query<{ media: MediaJson[] }>(`SELECT ${mediaJson('$1::bigint[]')} AS media`, [ids]);
  return (row?.media ?? []).map(toAttachedMedia);
}

/** Marks the locked images as this post's (after the post's row exists). */
export async function attachMedia(
  tx: SqlExecutor,
  mediaIds: readonly bigint[],
  tweetId: bigint,
): Promise<void> {
  if (mediaIds.length === 0) return;
  await tx.query(
    'UPDATE media_attachments SET tweet_id = $2::bigint WHERE id = ANY($1::bigint[]) AND tweet_id IS NULL',
    [idsParam(mediaIds), idParam(tweetId)],
  );
}
