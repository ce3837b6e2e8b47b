import { afterEach, beforeAll, describe, expect, it } from 'vitest';
import { follow } from '../support/client-api.js';
import { type Backend, backends, type Harness, startHarness, type User } from '../support/harness.js';

/** Whom to follow (`GET /api/v2/suggestions`), from the follow graph, in Mastodon's shape. */

let h: Harness;
afterEach(() => h.close());
let current: Backend;

const suggestions = async (user: User, query = '') => {
  const reply = await h.call('GET', `/api/v2/suggestions${query}`, { token: user.token });
  expect(reply.status, JSON.stringify(reply.body)).toBe(200);
  return reply.body as { source: string; sources: string[]; account: { id: string; acct: string } }[];
};
const handles = (list: { account: { acct: string } }[]) => list.map((s) => s.account.acct);

for (const backend of backends()) {
  describe(`follow suggestions (${backend.name})`, () => {
    beforeAll(() => {
      current = backend;
    });

    it('offers whom the people you follow follow, most shared first, then the most followed', async () => {
      h = await startHarness({}, undefined, current);
      const names = ['me', 'friend1', 'friend2', 'shared', 'single', 'star', 'quiet', 'followed'];
      const u: Record<string, User> = {};
      for (const name of names) u[name] = await h.signUp(name);
      const edge = async (a: string, b: string) =>
        expect((await follow(h, u[a] as User, u[b] as User)).status).toBe(200);
      await edge('me', 'friend1');
      await edge('me', 'friend2');
      await edge('me', 'followed');
      await edge('friend1', 'shared');
      await edge('friend2', 'shared');
      await edge('friend1', 'single');
      // Followed by those I follow, but I already follow them (or am them): never suggested.
      await edge('friend1', 'followed');
      await edge('friend2', 'me');
      // Popular, though no friend of mine follows them.
      for (const fan of ['quiet', 'single', 'shared']) await edge(fan, 'star');
      await h.drain();

      const list = await suggestions(u.me as User);
      expect(handles(list).slice(0, 2)).toEqual(['shared', 'single']);
      expect(list[0]).toMatchObject({
        source: 'past_interactions',
        sources: ['friends_of_friends'],
        account: { id: u.shared?.id, acct: 'shared' },
      });
      // Then the most followed of the rest: star first (3 followers), each account once.
      expect(list[2]).toMatchObject({
        source: 'global',
        sources: ['most_followed'],
        account: { acct: 'star' },
      });
      expect(new Set(handles(list)).size).toBe(list.length);
      // No one follows quiet: not popular, and no friend of mine follows them either.
      expect(handles(list)).not.toContain('quiet');
      for (const excluded of ['me', 'friend1', 'friend2', 'followed'])
        expect(handles(list)).not.toContain(excluded);
      expect(handles(await suggestions(u.me as User, '?limit=1'))).toEqual(['shared']);

      // A new account follows no one: the most followed are what it is offered.
      const newcomer = await h.signUp('newcomer');
      const fresh = await suggestions(newcomer);
      expect(fresh[0]).toMatchObject({ source: 'global', account: { acct: 'star' } });
      expect(handles(fresh)).not.toContain('newcomer');
    });

    it('needs a signed-in account and refuses a bad limit with 400, not a 500', async () => {
      h = await startHarness({}, undefined, current);
      expect((await h.call('GET', '/api/v2/suggestions')).status).toBe(401);
      const me = await h.signUp('someone');
      const bad = await h.call('GET', '/api/v2/suggestions?limit=zero', { token: me.token });
      expect(bad.status).toBe(400);
      expect(bad.body).toMatchObject({ error: expect.any(String) });
    });
  });
}
