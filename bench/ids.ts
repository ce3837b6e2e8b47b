/**
 * The generated graph's ids, shared by the loader and the load generator: account i, its session token, and the k-th
 * seed tweet (each account has the same number, written in account order).
 */
import { composeSnowflake } from '../src/domain/snowflake.js';

const FIRST_ACCOUNT = composeSnowflake({ timestampMs: Date.UTC(2025, 0, 1), workerId: 1000, sequence: 0 });
/**
 * The seed tweets are a day old when the run starts, as a home timeline's tweets are recent: a reader's cached likes
 * and retweets cover the last days only, so tweets dated months back would send every cached read to the database
 * for them. Fixed once per run in the environment, so the load generator's processes name the same tweets.
 */
process.env.BENCH_SEED_TWEETS_FROM_MS ??= String(Date.now() - 86_400_000);
export const FIRST_TWEET_MS = Number(process.env.BENCH_SEED_TWEETS_FROM_MS);

export const accountId = (i: number) => FIRST_ACCOUNT + BigInt(i) * 4096n;
export const tokenOf = (i: number) => `benchtoken${String(i).padStart(12, '0')}`;
export const seedTweetId = (k: number) =>
  composeSnowflake({ timestampMs: FIRST_TWEET_MS + k + 1, workerId: 1002, sequence: 0 });
