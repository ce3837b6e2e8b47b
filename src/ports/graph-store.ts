import type { FanoutMode } from '../domain/fanout-mode.js';
import type { IdWindow } from '../domain/model.js';
import type { OutboxEntry } from './outbox.js';

export interface FollowEdge {
  /** A Snowflake minted for the edge: it orders follower lists newest first. */
  id: bigint;
  followerId: bigint;
  followeeId: bigint;
  createdAt: Date;
}

/** One account in a follower or following list, with the id of the edge that placed it there (the cursor). */
export interface FollowListItem {
  accountId: bigint;
  followId: bigint;
}

/** An account worth following, and why: followed by those one follows, or followed by many. */
export interface FollowSuggestion {
  accountId: bigint;
  reason: 'friends_of_friends' | 'most_followed';
}

/**
 * The follow graph, indexed both ways. Follower and following counts, and the followee's fanout mode with them,
 * change later, through the log (see CounterStore and FanoutModes).
 */
export interface GraphStore {
  /**
   * Creates the edge and enqueues `event` atomically, and returns the followee's fanout mode as the edge committed (no
   * crossing of the followee's can start or finish between the two: see modeForNewFollow); null, and nothing
   * enqueued, if the edge already existed.
   */
  follow(edge: FollowEdge, event: OutboxEntry): Promise<FanoutMode | null>;
  /**
   * Removes the edge and enqueues the event `eventFor` makes of whether it had been counted, atomically; false, and
   * nothing enqueued, if there was none.
   */
  unfollow(
    followerId: bigint,
    followeeId: bigint,
    eventFor: (counted: boolean) => OutboxEntry,
  ): Promise<boolean>;
  /** Followers of `followeeId` with ids above `after`, ascending, for fanout's keyset pages. */
  followerIds(followeeId: bigint, after: bigint | null, limit: number): Promise<bigint[]>;
  /** Who follows `accountId`, newest follow first, by follow id in the window. */
  followers(accountId: bigint, window: IdWindow): Promise<FollowListItem[]>;
  /** Whom `accountId` follows, newest follow first, by follow id in the window. */
  following(accountId: bigint, window: IdWindow): Promise<FollowListItem[]>;
  /** The subset of `candidates` that `followerId` follows. */
  followedAmong(followerId: bigint, candidates: readonly bigint[]): Promise<Set<bigint>>;
  /** The subset of `candidates` that follow `followeeId`. */
  followersAmong(followeeId: bigint, candidates: readonly bigint[]): Promise<Set<bigint>>;
  /**
   * Up to `limit` accounts for `accountId` to follow, best first: those most followed by the accounts it follows
   * (its newest follows only, so a large following list costs no more), then the most followed of all (followed by someone). Never the
   * account itself, one it follows, or one twice.
   */
  suggestions(accountId: bigint, limit: number): Promise<FollowSuggestion[]>;
}
