import type { DomainEvent } from '../domain/events.js';
import type { CounterChange, CounterStore } from '../ports/counter-store.js';
import type { EngagementCache } from '../ports/engagement-cache.js';
import type { TweetStore } from '../ports/tweet-store.js';

export interface CounterDeps {
  tweets: Pick<TweetStore, 'byIds'>;
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
 * Counters that follow the log: an account's tweets, followers and following, and a tweet's likes, retweets and
 * replies. A worker's batch of events is counted at once (see {@link CounterStore}): exactly once per event, whatever
 * the redeliveries, so the counters are exact once the workers drain. A crossing of the celebrity threshold starts with
 * the follower count, in the same transaction: the celebrity rule always reads the count it changes.
 */
export function createCounterService({ tweets, counters, engagementCache, onCacheError }: CounterDeps) {
  /** The tweets that created and deleted events are about, in one lookup for the whole batch. */
  async function tweetsOf(events: readonly CountedEvent[]) {
    const ids = events.flatMap(({ event }) =>
      event.type === 'tweet.created' || event.type === 'tweet.deleted' ? [event.tweetId] : [],
    );
    return ids.length > 0 ? tweets.byIds(ids) : new Map();
  }

  function changesFor(event: DomainEvent, found: Awaited<ReturnType<typeof tweetsOf>>): CounterChange[] {
    switch (event.type) {
      case 'tweet.liked':
      case 'tweet.unliked':
        return [
          { counter: 'like_count', tweetId: event.tweetId, delta: event.type === 'tweet.liked' ? 1 : -1 },
        ];
      case 'tweet.created':
      case 'tweet.deleted': {
        // Replies and retweets are immutable, so whatever the tweet's status now, it says what to count.
        const tweet = found.get(event.tweetId);
        if (!tweet) return [];
        const delta = event.type === 'tweet.created' ? 1 : -1;
        const changes: CounterChange[] = [{ counter: 'tweets_count', accountId: tweet.authorId, delta }];
        if (tweet.replyToId !== null)
          changes.push({ counter: 'reply_count', tweetId: tweet.replyToId, delta });
        if (tweet.retweetOfId !== null) {
          changes.push({ counter: 'retweet_count', tweetId: tweet.retweetOfId, delta });
        }
        return changes;
      }
      case 'follow.created':
      case 'follow.deleted': {
        const delta = event.type === 'follow.created' ? 1 : -1;
        return [
          { counter: 'following_count', accountId: event.followerId, delta },
          { counter: 'followers_count', accountId: event.followeeId, delta },
        ];
      }
      case 'author.promoted':
      case 'author.demoted':
      case 'tweet.edited':
      case 'account.updated':
        return [];
    }
  }

  return {
    /** Counts a batch of events; those counted before (redeliveries) change nothing. */
    async apply(events: readonly CountedEvent[]): Promise<void> {
      const found = await tweetsOf(events);
      const batch = events
        .map(({ id, event }) => ({ eventId: id, changes: changesFor(event, found) }))
        .filter((entry) => entry.changes.length > 0);
      if (batch.length === 0) return;
      const outcome = await counters.applyOnce(batch);
      // After the commit, with versions: a copy that arrives late never replaces a newer one.
      await engagementCache?.putCounters(outcome.tweets).catch((error) => onCacheError?.(error));
    },
  };
}

export type CounterService = ReturnType<typeof createCounterService>;
