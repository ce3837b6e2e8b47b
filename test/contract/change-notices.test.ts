import { randomUUID } from 'node:crypto';
import { Redis } from 'ioredis';
import { afterEach, describe, expect, it } from 'vitest';
import { MemoryChangeNotices } from '../../src/adapters/memory/memory-change-notices.js';
import { RedisChangeNotices } from '../../src/adapters/redis/redis-change-notices.js';
import type { ChangeNotice, ChangeNotices } from '../../src/ports/change-notices.js';
import { needs, serverUrl } from '../support/servers.js';

const cleanups: (() => Promise<void>)[] = [];
afterEach(async () => {
  for (const cleanup of cleanups.splice(0).reverse()) await cleanup();
});

/** Listens; `all` resolves with the next `count` notices heard. */
async function hear(notices: ChangeNotices, count: number): Promise<{ all: Promise<ChangeNotice[]> }> {
  const heard: ChangeNotice[] = [];
  let done: (notices: ChangeNotice[]) => void = () => undefined;
  const all = new Promise<ChangeNotice[]>((resolve) => {
    done = resolve;
  });
  const stop = await notices.listen((notice) => {
    heard.push(notice);
    if (heard.length === count) done(heard);
  });
  cleanups.push(async () => stop());
  return { all };
}

/** The ChangeNotices contract: every listening process hears each notice, with its id exact. */
function noticesContract(name: string, open: () => { announcer: ChangeNotices; processes: ChangeNotices[] }) {
  describe(`ChangeNotices contract: ${name}`, () => {
    it('tells every listener of every notice, in order, ids above 2^53 exact', async () => {
      const { announcer, processes } = open();
      const hearing = await Promise.all(processes.map((p) => hear(p, 2)));
      await announcer.announce({ kind: 'account', id: (1n << 62n) + 1n });
      await announcer.announce({ kind: 'account', id: 7n });
      for (const heard of await Promise.all(hearing.map((h) => h.all))) {
        expect(heard).toEqual([
          { kind: 'account', id: (1n << 62n) + 1n },
          { kind: 'account', id: 7n },
        ]);
      }
    });

    it('stops telling a listener once it stops listening', async () => {
      const { announcer, processes } = open();
      const [first] = processes as [ChangeNotices];
      const heard: ChangeNotice[] = [];
      const stop = await first.listen((notice) => heard.push(notice));
      stop();
      const later = await hear(first, 1);
      await announcer.announce({ kind: 'account', id: 3n });
      expect(await later.all).toEqual([{ kind: 'account', id: 3n }]);
      expect(heard).toEqual([]);
    });
  });
}

noticesContract('in-process', () => {
  const notices = new MemoryChangeNotices();
  return { announcer: notices, processes: [notices] };
});

const redisUrl = serverUrl('redis');
describe('over Redis', needs('redis'), () => {
  noticesContract('Redis pub/sub', () => {
    const namespace = `test-notices-${process.env.VITEST_POOL_ID ?? '0'}-${randomUUID().slice(0, 8)}`;
    const redis = new Redis(redisUrl as string);
    const make = () => new RedisChangeNotices({ redis, namespace });
    const processes = [make(), make()];
    const announcer = make();
    cleanups.push(async () => {
      for (const p of [...processes, announcer]) await p.close();
      await redis.quit();
    });
    return { announcer, processes };
  });
});
