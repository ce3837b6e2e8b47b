import type { Account, IdWindow, TimelineEntry, Tweet, Visibility } from '../domain/model.js';
import type { AuthorEvent, OutboxEntry } from './outbox.js';

export interface NewTweet {
  id: bigint;
  authorId: bigint;
  text: string;
  replyToId: bigint | null;
  retweetOfId: bigint | null;
  visibility: Visibility;
  language: string | null;
  spoilerText: string;
  sensitive: boolean;
  createdAt: Date;
  /** Lower-cased handles; only those of existing accounts are linked. */
  mentions: readonly string[];
  /** Lower-cased tags. */
  hashtags: readonly string[];
  /** The author's uploads to attach, in order; each must be unattached (else nothing is written). */
  mediaIds: readonly bigint[];
}

export interface RebuildQuery {
  readerId: bigint;
  /** The reader's likes and retweets of tweets from this id on come with the rebuild (for the engagement cache). */
  engagementFrom: bigint;
  /** At most this many tweets per followee (bounds the query for readers who follow thousands). */
  perAuthor: number;
  /** At most this many entries in all. */
  limit: number;
}

export interface RebuiltTimeline {
  /** Newest first. */
  entries: TimelineEntry[];
  /** Below this id the per-author bound may have cut tweets out; 0n if nothing was cut. */
  floor: bigint;
  /** The followees whose tweets the reader merges at read time (they are left out of `entries`). */
  pulled: bigint[];
  /** Tweets from `engagementFrom` on that the reader liked, and originals they have a live retweet of. */
  liked: bigint[];
  retweeted: bigint[];
}

/** Tweets: the source of truth for bodies, statuses and the pull model of timelines. */
export interface TweetStore {
  /**
   * Stores the tweet with its mentions, hashtags and search document, and enqueues `event` (on the stream its author's
   * fanout mode routes it to), atomically, and returns the tweet as stored, exactly as {@link byIds} would. Null, and
   * nothing written, when it replies to a tweet that is not active. With an idempotency key, the key is claimed first
   * in the same transaction: if the author used it within `keyTtlMs` already, nothing is written and the earlier
   * tweet's id is returned with the earlier request's hash (the caller decides whether the retry matches).
   */
  create(tweet: NewTweet, event: AuthorEvent, idempotency?: IdempotencyClaim): Promise<CreateOutcome | null>;
  /** Tweets by id, whatever their status; absent ids are absent from the map. */
  byIds(ids: readonly bigint[]): Promise<Map<bigint, Tweet>>;
  /**
   * Marks the author's active tweet deleted and enqueues `event` (routed by the author's mode) atomically; false if `authorId` has no such active
   * tweet (so nobody can delete, or learn of, another author's tweet).
   */
  markDeleted(authorId: bigint, tweetId: bigint, event: AuthorEvent): Promise<boolean>;
  /** Active tweets (and retweets) of these authors in the window, newest first. */
  byAuthors(authorIds: readonly bigint[], window: IdWindow): Promise<TimelineEntry[]>;
  /** The pull model of a home timeline: the reader's own and followees' active tweets in the window, newest first. */
  home(readerId: bigint, window: IdWindow): Promise<TimelineEntry[]>;
  /** One bounded query that rebuilds a reader's cached timeline (pushed authors only) and their pulled set. */
  rebuild(query: RebuildQuery): Promise<RebuiltTimeline>;
  /**
   * Stores a retweet (a tweet with `retweetOfId` and no text) and enqueues `event` atomically, unless the author
   * already has a live retweet of that original: then nothing is written and that retweet is returned. Null when the
   * original is not an active tweet.
   */
  retweet(retweet: NewRetweet, event: AuthorEvent): Promise<{ created: boolean; tweetId: bigint } | null>;
  /**
   * Marks the author's live retweet of `originalId` deleted and enqueues the event `eventFor` makes of its id,
   * atomically; null if there was no live retweet.
   */
  undoRetweet(
    authorId: bigint,
    originalId: bigint,
    eventFor: (retweetId: bigint) => AuthorEvent,
  ): Promise<bigint | null>;
  /**
   * Records the like and enqueues `event` atomically; `already` (and nothing enqueued) if the account liked it before,
   * `missing` if the tweet is not active.
   */
  like(like: NewLike, event: OutboxEntry): Promise<LikeOutcome>;
  /**
   * Removes the like and enqueues the event `eventFor` makes of whether it had been counted, atomically; false (and
   * nothing enqueued) if there was none.
   */
  unlike(accountId: bigint, tweetId: bigint, eventFor: (counted: boolean) => OutboxEntry): Promise<boolean>;
  /** Active replies to `tweetId` in the window, newest first. */
  replies(tweetId: bigint, window: IdWindow): Promise<TimelineEntry[]>;
  /** Active tweets that mention the account, newest first. */
  mentioning(accountId: bigint, window: IdWindow): Promise<TimelineEntry[]>;
  /**
   * The live counters of `tweetIds` and, for a viewer, which of them the viewer liked and retweeted (live retweets
   * only): one query, read fresh on every page because cached bodies do not follow counter changes.
   */
  engagement(tweetIds: readonly bigint[], viewerId: bigint | null): Promise<Map<bigint, Engagement>>;
}

export interface NewRetweet {
  id: bigint;
  authorId: bigint;
  retweetOfId: bigint;
  visibility: Visibility;
  createdAt: Date;
}

export interface NewLike {
  /** A Snowflake: it orders "who liked this" newest first. */
  id: bigint;
  accountId: bigint;
  tweetId: bigint;
  createdAt: Date;
}

export type LikeOutcome = 'liked' | 'already' | 'missing';

export interface Engagement {
  likeCount: number;
  retweetCount: number;
  replyCount: number;
  /** The counters' version (see TweetCounters). */
  version: number;
  liked: boolean;
  retweeted: boolean;
}

export interface IdempotencyClaim {
  key: string;
  /** A digest of the request, to tell a retry from a different request reusing the key. */
  requestHash: string;
  keyTtlMs: number;
}

export type CreateOutcome =
  /** The tweet as written, and the accounts it mentions (read by the same statement). */
  | { created: true; tweet: Tweet; mentioned: Account[] }
  | { created: false; tweetId: bigint; requestHash: string };
