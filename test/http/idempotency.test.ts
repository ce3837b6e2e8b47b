import { afterEach, describe, expect, it } from 'vitest';
import { ids } from '../support/client-api.js';
import { backends, type Harness, startHarness, type User } from '../support/harness.js';

for (const backend of backends()) {
  describe(`Idempotency-Key on POST /api/v1/statuses (${backend.name})`, () => {
    let h: Harness;
    afterEach(() => h.close());

    const post = (
      token: string,
      key: string | undefined,
      status: string,
      extra: Record<string, unknown> = {},
    ) =>
      h.call('POST', '/api/v1/statuses', {
        token,
        body: { status, ...extra },
        headers: key === undefined ? {} : { 'idempotency-key': key },
      });
    const statusesOf = (user: User) => h.call('GET', `/api/v1/accounts/${user.id}/statuses`);

    it('turns 20 concurrent retries into exactly one status, and every response carries it', async () => {
      h = await startHarness({}, undefined, backend);
      const alice = await h.signUp('alice');
      const replies = await Promise.all(
        Array.from({ length: 20 }, () => post(alice.token, 'retry-1', 'only once')),
      );
      // Mastodon answers 200 to a post and to its retries alike; the one status is the proof.
      expect(replies.map((r) => r.status)).toEqual(replies.map(() => 200));
      const posted = new Set(replies.map((r) => r.body.id));
      expect(posted.size).toBe(1);
      expect(new Set(replies.map((r) => r.body.content))).toEqual(new Set(['<p>only once</p>']));
      expect(ids(await statusesOf(alice))).toEqual([...posted]);
      await h.drain();
      // Counted through the log, once.
      expect((await h.call('GET', `/api/v1/accounts/${alice.id}`)).body.statuses_count).toBe(1);
      const outbox = await h.app.sql.query<{ n: string }>('SELECT count(*)::text AS n FROM outbox');
      expect(outbox[0]?.n).toBe('0');
    });

    it('refuses the same key with a different body (422), and keys are per author', async () => {
      h = await startHarness({}, undefined, backend);
      const [alice, bob] = [await h.signUp('alice'), await h.signUp('bob')];
      const first = await post(alice.token, 'k', 'first');
      expect(first.status).toBe(200);
      expect((await post(alice.token, 'k', 'first')).body.id).toBe(first.body.id);
      for (const [status, extra] of [
        ['something else', {}],
        ['first', { spoiler_text: 'now with a warning' }],
      ] as const) {
        const reused = await post(alice.token, 'k', status, extra);
        expect(reused.status).toBe(422);
        expect(reused.body.code).toBe('idempotency_key_reused');
      }
      expect((await post(bob.token, 'k', 'first')).status).toBe(200);
      expect((await statusesOf(alice)).body).toHaveLength(1);
      expect((await statusesOf(bob)).body).toHaveLength(1);
    });

    it('frees a key after 24 hours', async () => {
      h = await startHarness({}, undefined, backend);
      const alice = await h.signUp('alice');
      const first = await post(alice.token, 'daily', 'good morning');
      h.clock.advance(24 * 3_600_000 - 1);
      expect((await post(alice.token, 'daily', 'good morning')).body.id).toBe(first.body.id);
      h.clock.advance(2);
      const next = await post(alice.token, 'daily', 'good morning');
      expect(next.status).toBe(200);
      expect(next.body.id).not.toBe(first.body.id);
    });

    it('refuses malformed keys with 400', async () => {
      h = await startHarness({}, undefined, backend);
      const alice = await h.signUp('alice');
      for (const key of ['', 'x'.repeat(65), 'has space', 'ü']) {
        const reply = await post(alice.token, key, 'hello');
        expect(reply.status, JSON.stringify(key)).toBe(400);
        expect(reply.body.code).toBe('validation_failed');
      }
      expect((await statusesOf(alice)).body).toHaveLength(0);
    });
  });
}
