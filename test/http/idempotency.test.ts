import { afterEach, describe, expect, it } from 'vitest';
import { backends, type Harness, startHarness } from '../support/harness.js';

for (const backend of backends()) {
  describe(`Idempotency-Key on POST /tweets (${backend.name})`, () => {
    let h: Harness;
    afterEach(() => h.close());

    const post = (token: string, key: string | undefined, text: string) =>
      h.call('POST', '/api/v1/tweets', {
        token,
        body: { text },
        headers: key === undefined ? {} : { 'idempotency-key': key },
      });

    it('turns 20 concurrent retries into exactly one tweet, and every response carries its id', async () => {
      h = await startHarness({}, undefined, backend);
      const alice = await h.signUp('alice');
      const replies = await Promise.all(
        Array.from({ length: 20 }, () => post(alice.token, 'retry-1', 'only once')),
      );
      const ids = new Set(replies.map((r) => r.body.id));
      expect(ids.size).toBe(1);
      expect(replies.filter((r) => r.status === 201)).toHaveLength(1);
      expect(replies.filter((r) => r.status === 200)).toHaveLength(19);
      const own = await h.call('GET', '/api/v1/accounts/alice/tweets');
      expect(own.body.tweets.map((t: { id: string }) => t.id)).toEqual([...ids]);
      await h.drain();
      // Counted through the log, once.
      expect((await h.call('GET', '/api/v1/accounts/alice')).body.tweets_count).toBe(1);
      const outbox = await h.app.sql.query<{ n: string }>('SELECT count(*)::text AS n FROM outbox');
      expect(outbox[0]?.n).toBe('0');
    });

    it('refuses the same key with a different body (422), and keys are per author', async () => {
      h = await startHarness({}, undefined, backend);
      const [alice, bob] = [await h.signUp('alice'), await h.signUp('bob')];
      expect((await post(alice.token, 'k', 'first')).status).toBe(201);
      const reused = await post(alice.token, 'k', 'something else');
      expect(reused.status).toBe(422);
      expect(reused.body.error.code).toBe('idempotency_key_reused');
      expect((await post(bob.token, 'k', 'first')).status).toBe(201);
      expect((await h.call('GET', '/api/v1/accounts/alice/tweets')).body.tweets).toHaveLength(1);
    });

    it('frees a key after 24 hours', async () => {
      h = await startHarness({}, undefined, backend);
      const alice = await h.signUp('alice');
      const first = await post(alice.token, 'daily', 'good morning');
      h.clock.advance(24 * 3_600_000 + 1);
      const next = await post(alice.token, 'daily', 'good morning');
      expect(next.status).toBe(201);
      expect(next.body.id).not.toBe(first.body.id);
    });

    it('refuses malformed keys with 400', async () => {
      h = await startHarness({}, undefined, backend);
      const alice = await h.signUp('alice');
      for (const key of ['', 'x'.repeat(65), 'has space', 'ü']) {
        const reply = await post(alice.token, key, 'hello');
        expect(reply.status, JSON.stringify(key)).toBe(400);
      }
      expect((await h.call('GET', '/api/v1/accounts/alice/tweets')).body.tweets).toHaveLength(0);
    });
  });
}
