/**
 * A change to one of the counters kept beside the rows they count. Counters change through the log, not in the
 * request that caused them: a viral tweet's likes, or a celebrity's new followers, then queue in one partition
 * instead of contending for one row from every request.
 */
export type CounterChange =
  | { counter: 'like_count' | 'retweet_count' | 'reply_count'; tweetId: bigint; delta: number }
  | { counter: 'tweets_count' | 'following_count' | 'followers_count'; accountId: bigint; delta: number };

export interface CounterOutcome {
  /** False when the event had been applied already (its outbox row was gone). */
  applied: boolean;
  /** Accounts whose fanout mode moved with their follower count. */
  modeChanged: bigint[];
}

/**
 * Applies counter changes exactly once per event, however often the log delivers it. A change of `followers_count`
 * also moves the account's fanout mode by the celebrity rule, in the same transaction, and a demotion enqueues its
 * `author.demoted` event there.
 */
export interface CounterStore {
  /**
   * Applies `changes` in the transaction that forgets outbox event `eventId`, so they apply with the first delivery
   * that gets there; when the event is already forgotten (a redelivery, or a concurrent one that won), nothing
   * changes.
   */
  applyOnce(eventId: bigint, changes: readonly CounterChange[]): Promise<CounterOutcome>;
}
