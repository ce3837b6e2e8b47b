import { randomUUID } from 'node:crypto';
import { Cluster, Redis } from 'ioredis';
import { afterEach, describe, expect, it } from 'vitest';
import { MemoryTimelineFeed } from '../../src/adapters/memory/memory-timeline-feed.js';
import { RedisTimelineFeed } from '../../src/adapters/redis/redis-timeline-feed.js';
import type { PublicEvent, TimelineFeed } from '../../src/ports/timeline-feed.js';
import { TestClock } from '../support/clock.js';
import { serverUrl } from '../support/servers.js';

const cleanups: (() => Promise<unknown>)[] = [];
afterEach(async () => {
  for (const cleanup of cleanups.splice(0).reverse()) await cleanup();
});

/** Resolves with the next `count` events a listener is told. */
function collector<E>() {
  const seen: E[] = [];
  let wake: () => void = () => undefined;
  return {
    listener: (event: E) => {
      seen.push(event);
      wake();
    },
    async take(count: number): Promise<E[]> {
      while (seen.length < count) await new Promise<void>((resolve) => (wake = resolve));
      return seen.splice(0, count);
    },
    seen,
  };
}

const event = (id: bigint, tags: string[] = [], media = false): PublicEvent => ({
  kind: 'update',
  tweetId: id,
  tags,
  media,
});

/** The public half of the live feed: what every implementation must do. */
function publicFeedContract(name: string, open: (() => TimelineFeed) | null) {
  describe.skipIf(open === null)(`TimelineFeed public events (${name})`, () => {
    const feed = () => {
      const made = (open as () => TimelineFeed)();
      cleanups.push(() => made.close());
      return made;
    };

    it('tells every public listener of each event, with its tags and media, and no one after they stop', async () => {
      const f = feed();
      const [one, two] = [collector<PublicEvent>(), collector<PublicEvent>()];
      const stopOne = await f.subscribePublic(one.listener);
      await f.subscribePublic(two.listener);
      await f.publishPublic([event(1n, ['cats']), { ...event(2n), kind: 'delete', media: true }]);
      const expected = [
        { kind: 'update', tweetId: 1n, tags: ['cats'], media: false },
        { kind: 'delete', tweetId: 2n, tags: [], media: true },
      ];
      expect(await one.take(2)).toEqual(expected);
      expect(await two.take(2)).toEqual(expected);

      stopOne();
      await f.publishPublic([event(3n)]);
      expect(await two.take(1)).toEqual([{ kind: 'update', tweetId: 3n, tags: [], media: false }]);
      expect(one.seen).toEqual([]);
    });

    it('keeps public events apart from readers’ events', async () => {
      const f = feed();
      const [publicOnes, readers] = [collector<PublicEvent>(), collector<unknown>()];
      await f.subscribePublic(publicOnes.listener);
      await f.subscribe(7n, readers.listener);
      await f.publish([{ kind: 'update', tweetId: 10n, readerIds: [7n] }]);
      await f.publishPublic([event(11n)]);
      expect(await readers.take(1)).toEqual([{ kind: 'update', tweetId: 10n }]);
      expect((await publicOnes.take(1)).map((e) => e.tweetId)).toEqual([11n]);
      expect(readers.seen).toEqual([]);
    });
  });
}

publicFeedContract('in-process', () => new MemoryTimelineFeed());

function redisFeed(connect: () => Redis | Cluster) {
  const redis = connect();
  const namespace = `test-public-${process.env.VITEST_POOL_ID ?? '0'}-${randomUUID().slice(0, 8)}`;
  cleanups.push(async () => {
    await redis.del(`${namespace}:feed:readers`);
    await redis.quit();
  });
  return new RedisTimelineFeed({ redis, namespace, clock: new TestClock() });
}

const redisUrl = serverUrl('redis');
publicFeedContract('Redis', redisUrl ? () => redisFeed(() => new Redis(redisUrl)) : null);
const clusterNodes = serverUrl('redisCluster');
publicFeedContract(
  'Redis Cluster',
  clusterNodes
    ? () =>
        redisFeed(
          () =>
            new Cluster(
              clusterNodes.split(',').map((node) => {
                const [host = '127.0.0.1', port = '6379'] = node.trim().split(':');
                return { host, port: Number(port) };
              }),
            ),
        )
    : null,
);
