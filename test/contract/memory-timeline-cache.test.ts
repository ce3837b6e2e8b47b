import { MemoryTimelineCache } from '../../src/adapters/memory/memory-timeline-cache.js';
import { TestClock } from '../support/clock.js';
import { CONTRACT_CACHE_SETTINGS, timelineCacheContract } from './timeline-cache.contract.js';

timelineCacheContract('in-process', async () => {
  const clock = new TestClock();
  const cache = new MemoryTimelineCache(CONTRACT_CACHE_SETTINGS, clock);
  return {
    cache,
    ttlRemaining: async (userId) => cache.ttlRemaining(userId),
    async commandsDuring(work) {
      const before = cache.operations;
      const result = await work();
      return { result, commands: cache.operations - before };
    },
    elapse: async (ms) => clock.advance(ms),
    close: () => cache.close(),
  };
});
