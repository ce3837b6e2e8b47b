import type { Account, FanoutMode, Tweet, TweetStatus, Visibility } from '../../domain/model.js';
import { toBigInt, toNumber } from './sql-client.js';

/** Column lists and row mappers shared by the stores, so every query returns the same shape. */
export const ACCOUNT_COLUMNS = `a.id, a.handle, a.display_name, a.created_at, a.followers_count,
  a.following_count, a.tweets_count, a.fanout_mode`;

export interface AccountRow {
  id: unknown;
  handle: string;
  display_name: string;
  created_at: Date;
  followers_count: unknown;
  following_count: unknown;
  tweets_count: unknown;
  fanout_mode: FanoutMode;
}

export const toAccount = (row: AccountRow): Account => ({
  id: toBigInt(row.id),
  handle: row.handle,
  displayName: row.display_name,
  createdAt: new Date(row.created_at),
  followersCount: toNumber(row.followers_count),
  followingCount: toNumber(row.following_count),
  tweetsCount: toNumber(row.tweets_count),
  fanoutMode: row.fanout_mode,
});

export const TWEET_COLUMNS = `t.id, t.author_id, t.text, t.status, t.reply_to_id, t.retweet_of_id, t.like_count,
  t.retweet_count, t.reply_count, t.created_at, t.visibility, t.language, t.spoiler_text, t.sensitive,
  (SELECT p.author_id FROM tweets p WHERE p.id = t.reply_to_id) AS reply_to_author_id,
  ARRAY(SELECT tm.account_id FROM tweet_mentions tm WHERE tm.tweet_id = t.id ORDER BY tm.account_id) AS mention_ids,
  ARRAY(SELECT h.tag FROM tweet_hashtags h WHERE h.tweet_id = t.id ORDER BY h.tag) AS hashtags`;

export interface TweetRow {
  id: unknown;
  author_id: unknown;
  text: string;
  status: TweetStatus;
  reply_to_id: unknown;
  reply_to_author_id: unknown;
  retweet_of_id: unknown;
  visibility: Visibility;
  language: string | null;
  spoiler_text: string;
  sensitive: boolean;
  like_count: unknown;
  retweet_count: unknown;
  reply_count: unknown;
  created_at: Date;
  mention_ids: unknown[];
  hashtags: string[];
}

const optionalId = (value: unknown): bigint | null =>
  value === null || value === undefined ? null : toBigInt(value);

export const toTweet = (row: TweetRow): Tweet => ({
  id: toBigInt(row.id),
  authorId: toBigInt(row.author_id),
  text: row.text,
  status: row.status,
  replyToId: optionalId(row.reply_to_id),
  replyToAuthorId: optionalId(row.reply_to_author_id),
  retweetOfId: optionalId(row.retweet_of_id),
  visibility: row.visibility,
  language: row.language,
  spoilerText: row.spoiler_text,
  sensitive: row.sensitive,
  likeCount: toNumber(row.like_count),
  retweetCount: toNumber(row.retweet_count),
  replyCount: toNumber(row.reply_count),
  createdAt: new Date(row.created_at),
  mentionIds: row.mention_ids.map(toBigInt),
  hashtags: row.hashtags,
});

export interface EntryRow {
  id: unknown;
  author_id: unknown;
}

export const toEntry = (row: EntryRow) => ({ tweetId: toBigInt(row.id), authorId: toBigInt(row.author_id) });
