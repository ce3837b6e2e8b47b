import type { TweetCounters } from './engagement-cache.js';

/**
 * A change to one of the counters kept beside the rows they count. Counters change through the log, not in the
 * request that caused them: a viral tweet's likes, or a celebrity's new followers, then queue in one partition
 * instead of contending for one row from every request.
 */
export type CounterChange =
  | { counter: 'like_count' | 'retweet_count' | 'reply_count'; tweetId: bigint; delta: number }
  | { counter: 'tweets_count' | 'following_count' | 'followers_count'; accountId: bigint; delta: number };

/**
 * A row whose counting the store settles against the row itself, whatever order events arrive in: a tweet counts
 * (for its author, the tweet it replies to, the one it retweets) while it is not deleted; a follow or a like counts
 * once it exists, and its removal takes back only what was counted (see the undo events' `counted`).
 */
export type CountedRow =
  | { kind: 'tweet'; tweetId: bigint }
  | { kind: 'follow'; followerId: bigint; followeeId: bigint }
  | { kind: 'like'; accountId: bigint; tweetId: bigint };

/** One event's counting, and the outbox id that makes applying it idempotent. */
export interface CountedChanges {
  eventId: bigint;
  /** Rows to settle (each counted or uncounted at most once, by a flag on the row). */
  rows: readonly CountedRow[];
  /** Changes applied as they are: taking back what a removed row had counted. */
  changes: readonly CounterChange[];
}

export interface CounterOutcome {
  /** Events whose changes were applied now; the others had been applied already (their outbox rows were gone). */
  applied: bigint[];
  /** Accounts whose fanout mode moved with their follower count (a crossing started). */
  modeChanged: bigint[];
  /** Tweets whose counters changed, as they stood when the transaction committed (for the cache). */
  tweets: TweetCounters[];
}

/**
 * Applies counter changes exactly once per event, however often and in whatever order the log delivers events: a
 * count never goes below what exists. A change of `followers_count` also moves the account's fanout mode by the
 * celebrity rule, in the same transaction, and a demotion enqueues its `author.demoted` event there.
 */
export interface CounterStore {
  /**
   * Applies a batch of events' counting in the transaction that forgets their outbox rows, so each event's changes
   * apply with the first delivery that gets there; an event already forgotten (a redelivery, or a concurrent one that
   * won) changes nothing. Changes to one row are summed first: a batch of likes of one tweet is one update.
   */
  applyOnce(batch: readonly CountedChanges[]): Promise<CounterOutcome>;
}
