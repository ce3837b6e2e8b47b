/**
 * The generated graph's ids, shared by the loader and the load generator: account i, its session token, and the k-th
 * seed tweet (each account has the same number, written in account order).
 */
import { composeSnowflake } from '../src/domain/snowflake.js';

const FIRST_ACCOUNT = composeSnowflake({ timestampMs: Date.UTC(2025, 0, 1), workerId: 1000, sequence: 0 });
const FIRST_TWEET_MS = Date.UTC(2025, 1, 1);

export const accountId = (i: number) => FIRST_ACCOUNT + BigInt(i) * 4096n;
export const tokenOf = (i: number) => `benchtoken${String(i).padStart(12, '0')}`;
export const seedTweetId = (k: number) =>
  composeSnowflake({ timestampMs: FIRST_TWEET_MS + k + 1, workerId: 1002, sequence: 0 });
