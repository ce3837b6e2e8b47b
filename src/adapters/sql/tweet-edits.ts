import type { Tweet } from '../../domain/model.js';
import type { AuthorEvent } from '../../ports/outbox.js';
import type { TweetEditStore, TweetRevision, TweetVersion } from '../../ports/tweet-edits.js';
import { enqueueForAuthor } from './fanout-modes.js';
import { type MediaJson, mediaJson, TWEET_COLUMNS, type TweetRow, toAttachedMedia, toTweet } from './rows.js';
import { searchDocument } from './search-document.js';
import { idParam, idsParam, type SqlClient, type SqlExecutor } from './sql-client.js';
import { attachMedia, lockMedia } from './tweet-media.js';

const sameIds = (a: readonly bigint[], b: readonly bigint[]) =>
  a.length === b.length && a.every((id, i) => id === b[i]);

const unchanged = (tweet: Tweet, r: TweetRevision) =>
  tweet.text === r.text &&
  tweet.spoilerText === r.spoilerText &&
  tweet.sensitive === r.sensitive &&
  tweet.language === r.language &&
  sameIds(
    tweet.media.map((m) => m.id),
    r.mediaIds,
  );

async function current(tx: SqlExecutor, authorId: bigint, tweetId: bigint): Promise<Tweet | null> {
  const [row] = await tx.query<TweetRow>(
    `SELECT ${TWEET_COLUMNS} FROM tweets t
      WHERE t.id = $1::bigint AND t.author_id = $2::bigint AND t.status = 'ACTIVE' AND t.retweet_of_id IS NULL`,
    [idParam(tweetId), idParam(authorId)],
  );
  return row ? toTweet(row) : null;
}

export class SqlTweetEdits implements TweetEditStore {
  constructor(private readonly db: SqlClient) {}

  edit(
    authorId: bigint,
    tweetId: bigint,
    revision: TweetRevision,
    event: AuthorEvent,
  ): Promise<Tweet | null> {
    return this.db.transaction(async (tx) => {
      // The row is locked first: two edits of one post take turns, and each keeps the version the other made.
      const locked = await tx.query('SELECT 1 FROM tweets WHERE id = $1::bigint FOR UPDATE', [
        idParam(tweetId),
      ]);
      const before = locked.length > 0 ? await current(tx, authorId, tweetId) : null;
      if (!before) return null;
      if (unchanged(before, revision)) return before;
      await lockMedia(tx, authorId, revision.mediaIds, tweetId);
      const id = idParam(tweetId);
      await tx.query(
        `INSERT INTO tweet_edits (tweet_id, version, created_at, text, spoiler_text, sensitive, language, media_ids)
         SELECT t.id, 1 + (SELECT count(*) FROM tweet_edits e WHERE e.tweet_id = t.id), coalesce(t.edited_at, t.created_at),
                t.text, t.spoiler_text, t.sensitive, t.language, t.media_ids
           FROM tweets t WHERE t.id = $1::bigint`,
        [id],
      );
      await tx.query(
        `UPDATE tweets SET text = $2, spoiler_text = $3, sensitive = $4, language = $5, media_ids = $6::bigint[],
                edited_at = $7, search = ${searchDocument('$2', '$8::text[]', '$9::text[]', 'visibility')}
          WHERE id = $1::bigint`,
        [
          id,
          revision.text,
          revision.spoilerText,
          revision.sensitive,
          revision.language,
          idsParam(revision.mediaIds),
          revision.editedAt,
          revision.hashtags,
          revision.mentions,
        ],
      );
      await tx.query('DELETE FROM tweet_mentions WHERE tweet_id = $1::bigint', [id]);
      await tx.query(
        `INSERT INTO tweet_mentions (tweet_id, account_id)
         SELECT $1::bigint, a.id FROM accounts a WHERE lower(a.handle) = ANY($2::text[]) ON CONFLICT DO NOTHING`,
        [id, revision.mentions],
      );
      await tx.query('DELETE FROM tweet_hashtags WHERE tweet_id = $1::bigint', [id]);
      await tx.query(
        `INSERT INTO tweet_hashtags (tweet_id, tag) SELECT $1::bigint, tag FROM unnest($2::text[]) tag
         ON CONFLICT DO NOTHING`,
        [id, revision.hashtags],
      );
      await attachMedia(tx, revision.mediaIds, tweetId);
      await enqueueForAuthor(tx, event);
      return current(tx, authorId, tweetId);
    });
  }

  async earlierVersions(tweetId: bigint): Promise<TweetVersion[]> {
    const rows = await this.db.query<{
      created_at: Date;
      text: string;
      spoiler_text: string;
      sensitive: boolean;
      language: string | null;
      media: MediaJson[];
    }>(
      `SELECT e.created_at, e.text, e.spoiler_text, e.sensitive, e.language,
              ${mediaJson('e.media_ids')} AS media
         FROM tweet_edits e WHERE e.tweet_id = $1::bigint ORDER BY e.version`,
      [idParam(tweetId)],
    );
    return rows.map((row) => ({
      createdAt: new Date(row.created_at),
      text: row.text,
      spoilerText: row.spoiler_text,
      sensitive: row.sensitive,
      language: row.language,
      media: row.media.map(toAttachedMedia),
    }));
  }
}
