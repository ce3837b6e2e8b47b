/** The records the services trade in. Ids are bigint inside; only the HTTP layer turns them into strings. */

import type { FanoutMode } from './fanout-mode.js';

export type { CelebrityRule, FanoutMode } from './fanout-mode.js';

export interface Account {
  id: bigint;
  handle: string;
  displayName: string;
  createdAt: Date;
  followersCount: number;
  followingCount: number;
  tweetsCount: number;
  fanoutMode: FanoutMode;
}

export type TweetStatus = 'ACTIVE' | 'DELETED' | 'HIDDEN';

export interface Tweet {
  id: bigint;
  authorId: bigint;
  text: string;
  status: TweetStatus;
  replyToId: bigint | null;
  retweetOfId: bigint | null;
  likeCount: number;
  retweetCount: number;
  replyCount: number;
  createdAt: Date;
  mentions: string[];
  hashtags: string[];
}

/**
 * One slot of a home timeline: the tweet (or retweet) id and its author, which is all a reader needs to merge,
 * filter unfollowed authors and page. Bodies are hydrated separately.
 */
export interface TimelineEntry {
  tweetId: bigint;
  authorId: bigint;
}

/** Newest first, by id; ids are Snowflakes, so this is also time order. */
export const byIdDesc = (a: { tweetId: bigint }, b: { tweetId: bigint }): number =>
  a.tweetId === b.tweetId ? 0 : a.tweetId > b.tweetId ? -1 : 1;

/** Keyset window over ids: `before` and `after` are exclusive bounds. */
export interface IdWindow {
  before?: bigint | undefined;
  after?: bigint | undefined;
  limit: number;
}

export const inWindow = (id: bigint, w: Omit<IdWindow, 'limit'>): boolean =>
  (w.before === undefined || id < w.before) && (w.after === undefined || id > w.after);
