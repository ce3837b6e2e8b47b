import { createHash } from 'node:crypto';
import type { SqlClient } from '../src/adapters/sql/sql-client.js';
import { composeSnowflake } from '../src/domain/snowflake.js';
import { hashPassword } from '../src/services/passwords.js';
import { seeded, zipf } from './random.js';

export interface GraphSize {
  accounts: number;
  medianFollowing: number;
  tweetsPerAccount: number;
}

export const SIZES: Record<string, GraphSize> = {
  tiny: { accounts: 500, medianFollowing: 30, tweetsPerAccount: 3 },
  small: { accounts: 10_000, medianFollowing: 200, tweetsPerAccount: 5 },
  // Followings are log-normal (σ 0.9), so the mean is 1.5 × the median: 67 gives about 10M follows in all.
  medium: { accounts: 100_000, medianFollowing: 67, tweetsPerAccount: 5 },
};

export interface Graph {
  accounts: number;
  follows: Array<[number, number]>;
  followers: Uint32Array;
  following: Uint32Array;
  tweets: number;
}

/**
 * A social graph with a power-law follower distribution: followings per account are log-normal around the median,
 * a quarter of followees are drawn by Zipf rank, and account 0 is followed by half of everyone (the celebrity of the
 * storm).
 */
export function generateGraph(size: GraphSize, seed: number): Graph {
  const random = seeded(seed);
  // Most follows go to accounts at random, a quarter by Zipf rank: a long tail plus a handful of accounts that a
  // large share of everyone follows (pure Zipf makes nearly every top account a celebrity everyone follows).
  const byRank = zipf(size.accounts, 1.0, random.next);
  const pick = () => (random.next() < 0.25 ? byRank() : random.int(size.accounts));
  const follows: Array<[number, number]> = [];
  const followers = new Uint32Array(size.accounts);
  const following = new Uint32Array(size.accounts);
  for (let a = 0; a < size.accounts; a++) {
    const want = Math.min(
      size.accounts - 1,
      Math.max(1, Math.round(random.logNormal(size.medianFollowing, 0.9))),
    );
    const chosen = new Set<number>();
    if (a !== 0 && random.next() < 0.5) chosen.add(0);
    for (let tries = 0; chosen.size < want && tries < want * 4; tries++) {
      const b = pick();
      if (b !== a) chosen.add(b);
    }
    for (const b of chosen) {
      follows.push([a, b]);
      followers[b] = (followers[b] as number) + 1;
      following[a] = (following[a] as number) + 1;
    }
  }
  return { accounts: size.accounts, follows, followers, following, tweets: size.tweetsPerAccount };
}

export const accountId = (i: number) =>
  composeSnowflake({ timestampMs: Date.UTC(2025, 0, 1), workerId: 1000, sequence: 0 }) + BigInt(i) * 4096n;
export const tokenOf = (i: number) => `benchtoken${String(i).padStart(12, '0')}`;

/** Loads the graph in bulk: multi-row inserts from arrays (`unnest`), 20,000 rows a statement. */
export async function loadGraph(
  sql: SqlClient,
  graph: Graph,
  threshold: number,
  log: (text: string) => void,
) {
  await sql.exec(
    'TRUNCATE accounts, sessions, tweets, tweet_mentions, tweet_hashtags, follows, likes, outbox CASCADE',
  );
  const hash = await hashPassword('bench password', { logN: 10, r: 8, p: 1 });
  const BATCH = 20_000;
  const created = new Date(Date.UTC(2025, 0, 1));
  for (let start = 0; start < graph.accounts; start += BATCH) {
    const ids: string[] = [];
    const handles: string[] = [];
    const counts: number[][] = [[], [], [], []];
    const modes: string[] = [];
    for (let i = start; i < Math.min(graph.accounts, start + BATCH); i++) {
      ids.push(accountId(i).toString());
      handles.push(`u${i}`);
      counts[0]?.push(graph.followers[i] as number);
      counts[1]?.push(graph.following[i] as number);
      counts[2]?.push(graph.tweets);
      modes.push((graph.followers[i] as number) >= threshold ? 'pull' : 'push');
    }
    await sql.query(
      `INSERT INTO accounts (id, handle, display_name, password_hash, created_at, followers_count, following_count,
                             tweets_count, fanout_mode)
       SELECT id, h, h, $3, $4, fc, gc, tc, m
         FROM unnest($1::bigint[], $2::text[], $5::int[], $6::int[], $7::int[], $8::text[]) AS x(id, h, fc, gc, tc, m)`,
      [ids, handles, hash, created, counts[0], counts[1], counts[2], modes],
    );
    await sql.query(
      `INSERT INTO sessions (token_hash, account_id, created_at) SELECT t, id, $3 FROM unnest($1::text[], $2::bigint[]) AS x(t, id)`,
      [
        ids.map((_, k) =>
          createHash('sha256')
            .update(tokenOf(start + k))
            .digest('hex'),
        ),
        ids,
        created,
      ],
    );
  }
  log(`accounts: ${graph.accounts}`);
  let followId = composeSnowflake({ timestampMs: Date.UTC(2025, 0, 2), workerId: 1001, sequence: 0 });
  for (let start = 0; start < graph.follows.length; start += BATCH) {
    const slice = graph.follows.slice(start, start + BATCH);
    const ids = slice.map(() => {
      followId += 1n;
      return followId.toString();
    });
    await sql.query(
      `INSERT INTO follows (follower_id, followee_id, id, created_at)
       SELECT a, b, id, $4 FROM unnest($1::bigint[], $2::bigint[], $3::bigint[]) AS x(a, b, id)`,
      [
        slice.map(([a]) => accountId(a).toString()),
        slice.map(([, b]) => accountId(b).toString()),
        ids,
        created,
      ],
    );
  }
  log(`follows: ${graph.follows.length}`);
  let tweetMs = Date.UTC(2025, 1, 1);
  for (let start = 0; start < graph.accounts; start += BATCH) {
    const ids: string[] = [];
    const authors: string[] = [];
    for (let i = start; i < Math.min(graph.accounts, start + BATCH); i++) {
      for (let t = 0; t < graph.tweets; t++) {
        tweetMs += 1;
        ids.push(composeSnowflake({ timestampMs: tweetMs, workerId: 1002, sequence: 0 }).toString());
        authors.push(accountId(i).toString());
      }
    }
    await sql.query(
      `INSERT INTO tweets (id, author_id, text, created_at)
       SELECT id, a, 'seed tweet ' || id, $3 FROM unnest($1::bigint[], $2::bigint[]) AS x(id, a)`,
      [ids, authors, created],
    );
  }
  await sql.exec('ANALYZE');
  log(`tweets: ${graph.accounts * graph.tweets}`);
}
