/**
 * The pure-pull baseline: Starling's own api, built with caches that always fail. Every home read then takes the
 * path Starling takes when Redis is down — computed from PostgreSQL (followees' recent tweets, bodies, authors) —
 * so pull and hybrid are measured with the same code, framework and queries, differing only in the cache.
 */
import { createApp } from '../src/app.js';
import { loadConfig } from '../src/config.js';
import type { TimelineCache } from '../src/ports/timeline-cache.js';
import type { TweetCache } from '../src/ports/tweet-cache.js';

/** Every cache operation fails, except closing. */
const unavailable = new Proxy(
  {},
  {
    get(_target, name) {
      if (name === 'then') return undefined;
      if (name === 'close') return () => Promise.resolve();
      return () => Promise.reject(new Error('no cache: the pure-pull baseline'));
    },
  },
) as TimelineCache & TweetCache;

const config = loadConfig();
const app = await createApp(config, {
  role: 'api',
  cache: unavailable,
  celebrityLists: unavailable,
  tweetCache: unavailable,
  logger: false,
});
await app.start();
await app.http.listen({ port: config.port, host: config.host });
process.on('SIGTERM', () => {
  void app.close().then(() => process.exit(0));
});
