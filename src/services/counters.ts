import type { DomainEvent } from '../domain/events.js';
import type { CounterChange, CounterStore } from '../ports/counter-store.js';
import type { TweetStore } from '../ports/tweet-store.js';

export interface CounterDeps {
  tweets: Pick<TweetStore, 'byIds'>;
  counters: CounterStore;
  /** Told when accounts' fanout modes moved with their follower counts (readers' celebrity sets are then stale). */
  onModeChanged?: (accountIds: bigint[]) => void;
}

/**
 * Counters that follow the log: an account's tweets, followers and following, and a tweet's likes, retweets and
 * replies. Each event's changes apply exactly once (see {@link CounterStore}), so the counters are exact once the
 * workers drain, whatever the redeliveries. An author's fanout mode moves with the follower count, in the same
 * transaction: the celebrity rule always reads the count it changes.
 */
export function createCounterService({ tweets, counters, onModeChanged }: CounterDeps) {
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
      case 'follow.created':
      case 'follow.deleted': {
        const delta = event.type === 'follow.created' ? 1 : -1;
        return [
          { counter: 'following_count', accountId: event.followerId, delta },
          { counter: 'followers_count', accountId: event.followeeId, delta },
        ];
      }
      case 'author.demoted':
        return [];
    }
  }

  return {
    /** Applies the counter changes of the event with this outbox id; a redelivered event changes nothing. */
    async apply(eventId: bigint, event: DomainEvent): Promise<void> {
      const changes = await changesFor(event);
      if (changes.length === 0) return;
      const { modeChanged } = await counters.applyOnce(eventId, changes);
      if (modeChanged.length > 0) onModeChanged?.(modeChanged);
    },
  };
}

export type CounterService = ReturnType<typeof createCounterService>;
