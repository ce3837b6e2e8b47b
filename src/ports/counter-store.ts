/**
 * A change to one of the counters kept beside the rows they count. Counters change through the log, not in the
 * request that caused them: a viral tweet's likes then queue in one partition instead of contending for its row.
 */
export type CounterChange =
  | { counter: 'like_count' | 'retweet_count' | 'reply_count'; tweetId: bigint; delta: number }
  | { counter: 'tweets_count'; accountId: bigint; delta: number };

/** Applies counter changes exactly once per event, however often the log delivers it. */
export interface CounterStore {
  /**
   * Applies `changes` in the transaction that forgets outbox event `eventId`, so they apply with the first delivery
   * that gets there; when the event is already forgotten (a redelivery, or a concurrent one that won), nothing
   * changes and the result is false.
   */
  applyOnce(eventId: bigint, changes: readonly CounterChange[]): Promise<boolean>;
}
