import type { DomainEvent } from '../domain/events.js';
import type { CountedChanges, CounterStore } from '../ports/counter-store.js';
import type { EngagementCache } from '../ports/engagement-cache.js';

export interface CounterDeps {
  counters: CounterStore;
  /** Given the counters as committed, so cached reads see them; a failing cache only means reads ask the store. */
  engagementCache?: Pick<EngagementCache, 'putCounters'> | undefined;
  onCacheError?: (error: unknown) => void;
}

/** An event as the log delivered it: its outbox id makes applying its counters idempotent. */
export interface CountedEvent {
  id: bigint;
  event: DomainEvent;
}

/**
 * What an event does to the counters. A creation or deletion settles its row against the row itself, so a deletion
 * counted before its creation (two workers, a redelivery) takes nothing it had not given, and the creation counted
 * after it gives nothing; an undo takes back exactly what its removed row had counted.
 */
function countingOf(id: bigint, event: DomainEvent): CountedChanges {
  const none = { eventId: id, rows: [], changes: [] };
  switch (event.type) {
    case 'tweet.created':
    case 'tweet.deleted':
      return { ...none, rows: [{ kind: 'tweet', tweetId: event.tweetId }] };
    case 'follow.created':
      return {
        ...none,
        rows: [{ kind: 'follow', followerId: event.followerId, followeeId: event.followeeId }],
      };
    case 'follow.deleted':
      if (!event.counted) return none;
      return {
        ...none,
        changes: [
          { counter: 'following_count', accountId: event.followerId, delta: -1 },
          { counter: 'followers_count', accountId: event.followeeId, delta: -1 },
        ],
      };
    case 'tweet.liked':
      return { ...none, rows: [{ kind: 'like', accountId: event.accountId, tweetId: event.tweetId }] };
    case 'tweet.unliked':
      if (!event.counted) return none;
      return { ...none, changes: [{ counter: 'like_count', tweetId: event.tweetId, delta: -1 }] };
    case 'author.promoted':
    case 'author.demoted':
    case 'tweet.edited':
    case 'account.updated':
      return none;
  }
}

/**
 * Counters that follow the log: an account's tweets, followers and following, and a tweet's likes, retweets and
 * replies. A worker's batch of events is counted at once (see {@link CounterStore}): exactly once per event, whatever
 * the redeliveries and whatever the order, so the counters are exact once the workers drain. A crossing of the
 * celebrity threshold starts with the follower count, in the same transaction: the celebrity rule always reads the
 * count it changes.
 */
export function createCounterService({ counters, engagementCache, onCacheError }: CounterDeps) {
  return {
    /** Counts a batch of events; those counted before (redeliveries) change nothing. */
    async apply(events: readonly CountedEvent[]): Promise<void> {
      const batch = events
        .map(({ id, event }) => countingOf(id, event))
        .filter((entry) => entry.rows.length > 0 || entry.changes.length > 0);
      if (batch.length === 0) return;
      const outcome = await counters.applyOnce(batch);
      // After the commit, with versions: a copy that arrives late never replaces a newer one.
      await engagementCache?.putCounters(outcome.tweets).catch((error) => onCacheError?.(error));
    },
  };
}

export type CounterService = ReturnType<typeof createCounterService>;
