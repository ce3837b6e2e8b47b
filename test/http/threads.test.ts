import { afterEach, beforeAll, describe, expect, it } from 'vitest';
import { MAX_ANCESTORS } from '../../src/services/lists.js';
import { allPages, catchUp, post } from '../support/client-api.js';
import { type Backend, backends, type Harness, startHarness, type User } from '../support/harness.js';

/** The thread around a status (`context`), and who favourited or boosted one, paged by the Link header. */

let h: Harness;
afterEach(() => h.close());
let current: Backend;

async function context(id: string, token?: string) {
  const reply = await h.call('GET', `/api/v1/statuses/${id}/context`, { token });
  expect(reply.status).toBe(200);
  const idsOf = (list: { id: string }[]) => list.map((s) => s.id);
  return { ancestors: idsOf(reply.body.ancestors), descendants: idsOf(reply.body.descendants) };
}
const act = (user: User, id: string, action: string) =>
  h.call('POST', `/api/v1/statuses/${id}/${action}`, { token: user.token });

for (const backend of backends()) {
  describe(`threads and who acted (${backend.name})`, () => {
    beforeAll(() => {
      current = backend;
    });

    it('shows ancestors root first and descendants depth first, leaving deleted ones out', async () => {
      h = await startHarness({}, undefined, current);
      const [alice, bob, carol] = [await h.signUp('alice'), await h.signUp('bob'), await h.signUp('carol')];
      const reply = (user: User, to: string, text: string) => post(h, user, text, { in_reply_to_id: to });
      const root = await post(h, alice, 'root');
      const r1 = await reply(bob, root, 'r1');
      const r1a = await reply(alice, r1, 'r1a');
      const r2 = await reply(carol, root, 'r2');
      const r1b = await reply(carol, r1, 'r1b');
      const r1a1 = await reply(bob, r1a, 'r1a1');
      const aside = await post(h, bob, 'not in the thread');

      expect(await context(root)).toEqual({ ancestors: [], descendants: [r1, r1a, r1a1, r1b, r2] });
      expect(await context(r1, alice.token)).toEqual({ ancestors: [root], descendants: [r1a, r1a1, r1b] });
      expect(await context(r1a1)).toEqual({ ancestors: [root, r1, r1a], descendants: [] });
      expect(await context(aside)).toEqual({ ancestors: [], descendants: [] });

      // A deleted reply leaves the thread; what answered only it is no longer reached from above.
      expect((await h.call('DELETE', `/api/v1/statuses/${r1a}`, { token: alice.token })).status).toBe(200);
      expect(await context(root)).toEqual({ ancestors: [], descendants: [r1, r1b, r2] });
      expect(await context(r1a1)).toEqual({ ancestors: [root, r1], descendants: [] });
      expect((await h.call('GET', `/api/v1/statuses/${r1a}/context`)).status).toBe(404);
      const full = await h.call('GET', `/api/v1/statuses/${r1}/context`);
      expect(full.body.ancestors[0]).toMatchObject({
        id: root,
        account: { id: alice.id },
        in_reply_to_id: null,
      });
      expect(full.body.descendants[0]).toMatchObject({
        id: r1b,
        in_reply_to_id: r1,
        in_reply_to_account_id: bob.id,
      });
    });

    it('keeps the nearest ancestors of a very deep reply, in thread order, and the whole tree below in order', async () => {
      h = await startHarness({}, undefined, current);
      const [alice, bob] = [await h.signUp('alice'), await h.signUp('bob')];
      const chain = [await post(h, alice, 'root')];
      for (let i = 1; i <= MAX_ANCESTORS + 2; i++) {
        const parent = chain.at(-1) as string;
        chain.push(await post(h, i % 2 ? bob : alice, `reply ${i}`, { in_reply_to_id: parent }));
      }
      const last = chain.at(-1) as string;
      const deep = await context(last);
      expect(deep.ancestors).toEqual(chain.slice(-1 - MAX_ANCESTORS, -1));
      expect(deep.descendants).toEqual([]);
      // From the top, every reply below, each one after what it answers.
      const top = await context(chain[0] as string);
      expect(top.descendants).toEqual(chain.slice(1));
      expect((await context(chain[1] as string)).ancestors).toEqual([chain[0]]);
    });

    it('pages who favourited and who boosted a status, newest first, each once', async () => {
      h = await startHarness({}, undefined, current);
      const author = await h.signUp('author');
      const fans = await Promise.all(Array.from({ length: 5 }, (_, i) => h.signUp(`fan${i}`)));
      const id = await post(h, author, 'popular');
      for (const fan of fans) expect((await act(fan, id, 'favourite')).status).toBe(200);
      for (const fan of fans.slice(0, 3)) expect((await act(fan, id, 'reblog')).status).toBe(200);
      const newestFirst = (users: User[]) => users.map((u) => u.id).reverse();

      const liked = await allPages(h, `/api/v1/statuses/${id}/favourited_by?limit=2`);
      expect(liked.ids).toEqual(newestFirst(fans));
      expect(liked.pages).toBe(3);
      const caught = await catchUp(h, `/api/v1/statuses/${id}/favourited_by?limit=2&min_id=0`);
      expect(caught.ids).toEqual(newestFirst(fans));
      expect((await allPages(h, `/api/v1/statuses/${id}/reblogged_by?limit=2`)).ids).toEqual(
        newestFirst(fans.slice(0, 3)),
      );

      // Undoing takes the account off; doing it again puts it on top.
      const [first, second] = fans as [User, User];
      await act(first, id, 'unfavourite');
      await act(second, id, 'unreblog');
      await act(first, id, 'favourite');
      const again = await allPages(h, `/api/v1/statuses/${id}/favourited_by?limit=2`);
      expect(again.ids).toEqual([first.id, ...newestFirst(fans.slice(1))]);
      expect((await allPages(h, `/api/v1/statuses/${id}/reblogged_by`)).ids).toEqual(
        newestFirst([first, ...fans.slice(2, 3)]),
      );

      // A missing or deleted status has no such lists.
      expect((await h.call('GET', '/api/v1/statuses/123456789/favourited_by')).status).toBe(404);
      await h.call('DELETE', `/api/v1/statuses/${id}`, { token: author.token });
      expect((await h.call('GET', `/api/v1/statuses/${id}/reblogged_by`)).status).toBe(404);
    });
  });
}
