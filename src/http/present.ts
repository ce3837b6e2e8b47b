import type { Static } from 'typebox';
import { encodeCursor } from '../domain/cursor.js';
import type { Account } from '../domain/model.js';
import type { TweetView } from '../services/hydrate.js';
import type { Page } from '../services/pages.js';
import type { OriginalTweet, Tweet } from './schemas.js';

/** Domain records → the wire: ids as decimal strings, times as ISO 8601, snake_case names. */

export const accountJson = (a: Account) => ({
  id: a.id.toString(),
  handle: a.handle,
  display_name: a.displayName,
  created_at: a.createdAt.toISOString(),
  followers_count: a.followersCount,
  following_count: a.followingCount,
  tweets_count: a.tweetsCount,
});

type TweetJson = Static<typeof Tweet>;
type OriginalJson = Static<typeof OriginalTweet>;

const originalJson = (v: TweetView): OriginalJson => ({
  id: v.tweet.id.toString(),
  author: { id: v.author.id.toString(), handle: v.author.handle, display_name: v.author.displayName },
  text: v.tweet.text,
  created_at: v.tweet.createdAt.toISOString(),
  reply_to_id: v.tweet.replyToId?.toString() ?? null,
  retweet_of: null,
  like_count: v.tweet.likeCount,
  retweet_count: v.tweet.retweetCount,
  reply_count: v.tweet.replyCount,
  mentions: v.mentions.map((a) => a.handle.toLowerCase()),
  hashtags: v.tweet.hashtags,
  liked: v.liked,
  retweeted: v.retweeted,
});

export const tweetJson = (v: TweetView): TweetJson => ({
  ...originalJson(v),
  retweet_of: v.retweetOf ? originalJson(v.retweetOf) : null,
});

export const tweetPageJson = (page: Page<TweetView>) => ({
  tweets: page.items.map(tweetJson),
  next_cursor: page.next === null ? null : encodeCursor(page.next),
});

export const accountPageJson = (page: Page<Account>) => ({
  accounts: page.items.map(accountJson),
  next_cursor: page.next === null ? null : encodeCursor(page.next),
});
