import type pg from 'pg';
import type { Account, Client, History } from './client.js';

/**
 * What every fault scenario ends with, once the fault is over and fanout has drained: the recorded history against
 * the source of truth. Every acknowledged write is there exactly once, every failed one is absent, an unknown one is
 * there at most once; every reader's timeline, read page by page through the API, is exactly what PostgreSQL says
 * (no duplicate, nothing deleted, nothing missing); every counter equals what it counts. Returns the problems found.
 */
export async function verify(history: History, db: pg.Client, client: Client, readers: readonly Account[]) {
  const problems: string[] = [];
  const { rows } = await db.query<{ id: string; text: string; status: string }>(
    "SELECT id::text, text, status FROM tweets WHERE text LIKE 't-%'",
  );
  const byText = new Map<string, { id: string; status: string }[]>();
  for (const row of rows) byText.set(row.text, [...(byText.get(row.text) ?? []), row]);
  for (const [text, stored] of byText)
    if (stored.length > 1) problems.push(`${text} stored ${stored.length} times`);

  const deleted = new Set(history.of('delete', 'ok').map((o) => o.subject));
  for (const post of history.of('post')) {
    const stored = byText.get(post.subject) ?? [];
    if (post.outcome === 'ok') {
      if (stored.length !== 1 || stored[0]?.id !== post.id)
        problems.push(`acknowledged ${post.subject} not stored`);
    } else if (post.outcome === 'failed' && stored.length > 0) {
      problems.push(`failed ${post.subject} stored`);
    }
  }
  for (const id of deleted) {
    const row = rows.find((r) => r.id === id);
    if (row && row.status !== 'DELETED') problems.push(`acknowledged delete of ${id} not applied`);
  }

  for (const reader of readers) {
    const served = await client.home(reader, 5);
    if (new Set(served).size !== served.length) problems.push(`${reader.handle}'s timeline has duplicates`);
    const truth = await timelineTruth(db, reader.id);
    if (JSON.stringify(served) !== JSON.stringify(truth)) {
      problems.push(`${reader.handle} served ${served.length} tweets, the truth has ${truth.length}`);
    }
  }

  const counts = await db.query<{
    handle: string;
    tweets_count: number;
    tweets: number;
    followers_count: number;
    followers: number;
    following_count: number;
    following: number;
  }>(
    `SELECT a.handle, a.tweets_count, a.followers_count, a.following_count,
            (SELECT count(*)::int FROM tweets t WHERE t.author_id = a.id AND t.status <> 'DELETED') AS tweets,
            (SELECT count(*)::int FROM follows f WHERE f.followee_id = a.id) AS followers,
            (SELECT count(*)::int FROM follows f WHERE f.follower_id = a.id) AS following
       FROM accounts a`,
  );
  for (const a of counts.rows) {
    if (
      a.tweets_count !== a.tweets ||
      a.followers_count !== a.followers ||
      a.following_count !== a.following
    ) {
      problems.push(
        `${a.handle} counts ${a.tweets_count}/${a.followers_count}/${a.following_count}, has ${a.tweets}/${a.followers}/${a.following}`,
      );
    }
  }
  return problems;
}

/** The pull model: the reader's and their followees' live tweets, newest first. */
export async function timelineTruth(db: pg.Client, readerId: string): Promise<string[]> {
  const { rows } = await db.query<{ id: string }>(
    `SELECT t.id::text FROM tweets t LEFT JOIN tweets o ON o.id = t.retweet_of_id
      WHERE t.status = 'ACTIVE' AND (t.retweet_of_id IS NULL OR o.status = 'ACTIVE')
        AND (t.author_id = $1::bigint OR t.author_id IN (SELECT followee_id FROM follows WHERE follower_id = $1::bigint))
      ORDER BY t.id DESC`,
    [readerId],
  );
  return rows.map((r) => r.id);
}
