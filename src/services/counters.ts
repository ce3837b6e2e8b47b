import type { DomainEvent } from '../domain/events.js';
import type { CounterChange, CounterStore } from '../ports/counter-store.js';
import type { TweetStore } from '../ports/tweet-store.js';

export interface CounterDeps {
  tweets: Pick<TweetStore, 'byIds'>;
  counters: CounterStore;
}

/**
 * Counters that follow the log: an author's `tweets_count`, and a tweet's `like_count`, `retweet_count` and
 * `reply_count`. Each event's changes apply exactly once (see {@link CounterStore}), so the counters are exact once
 * the workers drain, whatever the redeliveries. Follower and following counts are not here: they change in the follow
 * transaction itself, because an author's fanout mode is decided from the exact follower count there.
 */
export function createCounterService({ tweets, counters }: CounterDeps) {
  async function changesFor(event: DomainEvent): Promise<CounterChange[]> {
    switch (event.type) {
      case 'tweet.liked':
      case 'tweet.unliked':
        return [
          { counter: 'like_count', tweetId: event.tweetId, delta: event.type === 'tweet.liked' ? 1 : -1 },
        ];
      case 'tweet.created':
      case 'tweet.deleted': {
        // Replies and retweets are immutable, so whatever the tweet's status now, it says what to count.
        const tweet = (await tweets.byIds([event.tweetId])).get(event.tweetId);
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
      default:
        return [];
    }
  }

  return {
    /** Applies the counter changes of the event with this outbox id; a redelivered event changes nothing. */
    async apply(eventId: bigint, event: DomainEvent): Promise<void> {
      const changes = await changesFor(event);
      if (changes.length > 0) await counters.applyOnce(eventId, changes);
    },
  };
}

export type CounterService = ReturnType<typeof createCounterService>;
