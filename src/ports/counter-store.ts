import type { TweetCounters } from './engagement-cache.js';

/**
 * A change to one of the counters kept beside the rows they count. Counters change through the log, not in the
 * request that caused them: a viral tweet's likes, or a celebrity's new followers, then queue in one partition
 * instead of contending for one row from every request.
 */
export type CounterChange =
  | { counter: 'like_count' | 'retweet_count' | 'reply_count'; tweetId: bigint; delta: number }
  | { counter: 'tweets_count' | 'following_count' | 'followers_count'; accountId: bigint; delta: number };

/** One event's counter changes, and the outbox id that makes applying them idempotent. */
export interface CountedChanges {
  eventId: bigint;
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
 * Applies counter changes exactly once per event, however often the log delivers it. A change of `followers_count`
 * also moves the account's fanout mode by the celebrity rule, in the same transaction, and a demotion enqueues its
 * `author.demoted` event there.
 */
export interface CounterStore {
  /**
   * Applies a batch of events' changes in the transaction that forgets their outbox rows, so each event's changes
   * apply with the first delivery that gets there; an event already forgotten (a redelivery, or a concurrent one that
   * won) changes nothing. Changes to one row are summed first: a batch of likes of one tweet is one update.
   */
  applyOnce(batch: readonly CountedChanges[]): Promise<CounterOutcome>;
}
