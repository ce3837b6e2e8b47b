import { randomUUID } from 'node:crypto';
import { afterEach, describe, expect, it } from 'vitest';
import { MemorySessionRevocations } from '../../src/adapters/memory/memory-session-revocations.js';
import { openRedis } from '../../src/adapters/redis/redis-connection.js';
import { RedisSessionRevocations } from '../../src/adapters/redis/redis-session-revocations.js';
import type { SessionRevocations } from '../../src/ports/session-revocations.js';
import { needs, serverUrl } from '../support/servers.js';

interface RevocationsFixture {
  /** Two processes' handles on the same revocations (one object where revocations never leave a process). */
  one: SessionRevocations;
  other: SessionRevocations;
  close(): Promise<void>;
}

/** Resolves with the next `n` token hashes told to a fresh subscriber of `on`, and how to stop listening. */
async function listen(on: SessionRevocations) {
  const heard: string[] = [];
  let wake: (() => void) | undefined;
  const stop = await on.subscribe(
    (tokenHash) => {
      heard.push(tokenHash);
      wake?.();
    },
    () => undefined,
  );
  const next = async (n: number) => {
    while (heard.length < n) await new Promise<void>((resolve) => (wake = resolve));
    return heard.slice(0, n);
  };
  return { heard, next, stop };
}

const hash = (c: string) => c.repeat(64);

/** One suite, run against every SessionRevocations. */
function sessionRevocationsContract(name: string, open: () => Promise<RevocationsFixture>) {
  describe(`SessionRevocations contract: ${name}`, () => {
    let fx: RevocationsFixture;
    afterEach(() => fx.close());

    it('tells every subscriber, in every process, each revoked session once per publish', async () => {
      fx = await open();
      const [here, there] = [await listen(fx.one), await listen(fx.other)];
      await fx.one.publish([hash('a'), hash('b')]);
      expect(await here.next(2)).toEqual([hash('a'), hash('b')]);
      expect(await there.next(2)).toEqual([hash('a'), hash('b')]);
      await fx.other.publish([hash('c')]);
      expect(await here.next(3)).toEqual([hash('a'), hash('b'), hash('c')]);
    });

    it('tells nothing more after the subscriber stops', async () => {
      fx = await open();
      const [stopped, still] = [await listen(fx.one), await listen(fx.one)];
      stopped.stop();
      await fx.other.publish([hash('d')]);
      expect(await still.next(1)).toEqual([hash('d')]);
      expect(stopped.heard).toEqual([]);
    });
  });
}

sessionRevocationsContract('in-process', async () => {
  const one = new MemorySessionRevocations();
  return { one, other: one, close: () => one.close() };
});

const redisUrl = serverUrl('redis');
describe('on Redis', needs('redis'), () => {
  sessionRevocationsContract('Redis pub/sub', async () => {
    const redis = openRedis({ url: redisUrl as string });
    const namespace = `revoke-${randomUUID().slice(0, 8)}`;
    const one = new RedisSessionRevocations({ redis, namespace });
    const other = new RedisSessionRevocations({ redis, namespace });
    return {
      one,
      other,
      async close() {
        await one.close();
        await other.close();
        await redis.quit();
      },
    };
  });

  it('ignores what is not a token hash on its channel', async () => {
    const redis = openRedis({ url: redisUrl as string });
    const namespace = `revoke-${randomUUID().slice(0, 8)}`;
    const revocations = new RedisSessionRevocations({ redis, namespace });
    const heard = await listen(revocations);
    await redis.publish(`${namespace}:sessions:revoked`, 'not-a-hash,*');
    await revocations.publish([hash('e')]);
    expect(await heard.next(1)).toEqual([hash('e')]);
    await revocations.close();
    await redis.quit();
  });
});
