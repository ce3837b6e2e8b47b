import { createHash } from 'node:crypto';
import { Readable } from 'node:stream';
import { pipeline } from 'node:stream/promises';
import pg from 'pg';
import { from as copyFrom } from 'pg-copy-streams';
import { composeSnowflake } from '../src/domain/snowflake.js';
import { hashPassword } from '../src/services/passwords.js';
import { accountId, FIRST_TWEET_MS, seedTweetId, tokenOf } from './ids.js';
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

export { accountId, seedTweetId, tokenOf } from './ids.js';

/** COPY text format: one line per row, tab-separated, in chunks of a few thousand rows. */
function* lines<T>(rows: Iterable<T>, line: (row: T) => string): Generator<string> {
  let chunk = '';
  let n = 0;
  for (const row of rows) {
    chunk += `${line(row)}\n`;
    if (++n === 5_000) {
      yield chunk;
      chunk = '';
      n = 0;
    }
  }
  if (chunk) yield chunk;
}

function* range(from: number, to: number): Generator<number> {
  for (let i = from; i < to; i++) yield i;
}

async function copy(client: pg.Client, table: string, rows: Iterable<string>) {
  await pipeline(Readable.from(rows), client.query(copyFrom(`COPY ${table} FROM STDIN`)));
}

/**
 * Loads the graph in bulk with COPY, on a connection of its own. The generator keeps every reference valid, so the
 * foreign-key triggers are switched off for this session (`session_replication_role = replica`, which needs a
 * superuser, as the benchmark's database does); the tables are then vacuumed and analysed so the run starts with
 * the visibility map set and no autovacuum pass pending.
 */
export async function loadGraph(
  connectionString: string,
  graph: Graph,
  threshold: number,
  log: (text: string) => void,
) {
  const client = new pg.Client({ connectionString });
  await client.connect();
  try {
    await client.query(
      'TRUNCATE accounts, sessions, tweets, tweet_mentions, tweet_hashtags, follows, likes, outbox CASCADE',
    );
    await client.query("SET session_replication_role = 'replica'");
    const hash = await hashPassword('bench password', { logN: 10, r: 8, p: 1 });
    const created = new Date(Date.UTC(2025, 0, 1)).toISOString();
    const all = () => range(0, graph.accounts);
    await copy(
      client,
      'accounts (id, handle, display_name, password_hash, created_at, followers_count, following_count, tweets_count, fanout_mode)',
      lines(all(), (i) =>
        [
          accountId(i),
          `u${i}`,
          `u${i}`,
          hash,
          created,
          graph.followers[i],
          graph.following[i],
          graph.tweets,
          (graph.followers[i] as number) >= threshold ? 'pull' : 'push',
        ].join('\t'),
      ),
    );
    // Sessions begin now: one dated with the accounts would have outlived its lifetime.
    const signedIn = new Date().toISOString();
    await copy(
      client,
      'sessions (token_hash, account_id, created_at)',
      lines(all(), (i) =>
        [createHash('sha256').update(tokenOf(i)).digest('hex'), accountId(i), signedIn].join('\t'),
      ),
    );
    log(`accounts: ${graph.accounts}`);
    const firstFollow = composeSnowflake({ timestampMs: Date.UTC(2025, 0, 2), workerId: 1001, sequence: 0 });
    await copy(
      client,
      // Counted already: the accounts' counts above include them.
      'follows (follower_id, followee_id, id, created_at, counted)',
      lines(range(0, graph.follows.length), (k) => {
        const [a, b] = graph.follows[k] as [number, number];
        return `${accountId(a)}\t${accountId(b)}\t${firstFollow + BigInt(k + 1)}\t${created}\tt`;
      }),
    );
    log(`follows: ${graph.follows.length}`);
    await copy(
      client,
      'tweets (id, author_id, text, created_at, counted)',
      lines(range(0, graph.accounts * graph.tweets), (k) => {
        const id = seedTweetId(k);
        const at = new Date(FIRST_TWEET_MS + k + 1).toISOString();
        return `${id}\t${accountId(Math.floor(k / graph.tweets))}\tseed tweet ${id}\t${at}\tt`;
      }),
    );
    log(`tweets: ${graph.accounts * graph.tweets}`);
    await client.query('RESET session_replication_role');
    await client.query('VACUUM (FREEZE, ANALYZE)');
    // The load and the vacuum leave most of the database's pages dirty; written now, at full speed, they are not
    // written by the next timed checkpoint in the middle of a scenario. (It needs a superuser or pg_checkpoint.)
    await client.query('CHECKPOINT').catch((error: unknown) => log(`no CHECKPOINT after the load: ${error}`));
  } finally {
    await client.end();
  }
}
