import type { IdWindow, TimelineEntry } from '../domain/model.js';

/** An account in a list of who acted on a post, with the id that orders the list (the like's or the retweet's). */
export interface ActorListItem {
  accountId: bigint;
  id: bigint;
}

export interface AccountListFilter {
  /** Leave out replies to other accounts (replies in one's own threads stay). */
  excludeReplies: boolean;
  /** Leave out retweets. */
  excludeReblogs: boolean;
  /** Only tweets with this normalised hashtag, when given. */
  tagged?: string | undefined;
  /** Only tweets with images. */
  onlyMedia?: boolean | undefined;
}

/** Lists of tweets and of accounts read from the source of truth, each newest first in an id window. */
export interface TweetLists {
  /** An account's active tweets and retweets. */
  account(authorId: bigint, filter: AccountListFilter, window: IdWindow): Promise<TimelineEntry[]>;
  /** Every public original (no retweets, nothing unlisted): the local public timeline. */
  public(window: IdWindow): Promise<TimelineEntry[]>;
  /** Public tweets with this (normalised) hashtag. */
  tagged(tag: string, window: IdWindow): Promise<TimelineEntry[]>;
  /**
   * The tweets `tweetId` answers, from the root of its thread down to its parent; past `limit` of them, the nearest
   * `limit` (its parent always among them).
   */
  ancestors(tweetId: bigint, limit: number): Promise<bigint[]>;
  /**
   * The active replies below `tweetId`, as a thread reads: each reply followed by its own replies, oldest first; at
   * most `limit`, and of a vast tree the levels nearest the tweet.
   */
  descendants(tweetId: bigint, limit: number): Promise<bigint[]>;
  /** Who liked the tweet, by like id. */
  likers(tweetId: bigint, window: IdWindow): Promise<ActorListItem[]>;
  /** Who retweeted it (live retweets), by retweet id. */
  retweeters(tweetId: bigint, window: IdWindow): Promise<ActorListItem[]>;
}
