import { afterEach, beforeAll, describe, expect, it } from 'vitest';
import { allPages, catchUp, follow, linkOf, pathOf, post, unfollow } from '../support/client-api.js';
import { sharedPglite } from '../support/database.js';
import { type Backend, backends, type Harness, startHarness, type User } from '../support/harness.js';

/** Notifications written by the workers from the log's events, and the API that reads and dismisses them. */

let h: Harness;
afterEach(() => h.close());
// The shared database opens once, before the first test's clock starts.
beforeAll(async () => void (await sharedPglite()), 120_000);
let current: Backend;

const list = (user: User, query = '') =>
  h.call('GET', `/api/v1/notifications${query}`, { token: user.token });
/** The user's notifications as `type from-handle status-id` lines, newest first. */
async function seen(user: User, query = '') {
  const reply = await list(user, query);
  expect(reply.status, JSON.stringify(reply.body)).toBe(200);
  return (reply.body as { type: string; account: { acct: string }; status?: { id: string } }[]).map(
    (n) => `${n.type} ${n.account.acct}${n.status ? ` ${n.status.id}` : ''}`,
  );
}
const act = (user: User, id: string, action: string) =>
  h.call('POST', `/api/v1/statuses/${id}/${action}`, { token: user.token });

for (const backend of backends()) {
  describe(`notifications (${backend.name})`, () => {
    beforeAll(() => {
      current = backend;
    });

    it('tells of mentions, replies that mention, favourites, boosts and follows; none for acting on oneself', async () => {
      h = await startHarness({}, undefined, current);
      const [alice, bob] = [await h.signUp('alice'), await h.signUp('bob')];
      const mine = await post(h, alice, 'hello world');
      const mention = await post(h, bob, 'hi @alice');
      const reply = await post(h, bob, '@alice indeed', { in_reply_to_id: mine });
      expect((await act(bob, mine, 'favourite')).status).toBe(200);
      const boost = await act(bob, mine, 'reblog');
      expect(boost.status).toBe(200);
      expect((await follow(h, bob, alice)).status).toBe(200);
      // Alice's own actions on her own post, and her mention of herself, tell nobody.
      await act(alice, mine, 'favourite');
      await act(alice, mine, 'reblog');
      await post(h, alice, 'me, @alice');
      expect(await seen(alice)).toEqual([]);
      await h.drain();

      expect(await seen(alice)).toEqual([
        'follow bob',
        `reblog bob ${mine}`,
        `favourite bob ${mine}`,
        `mention bob ${reply}`,
        `mention bob ${mention}`,
      ]);
      expect(await seen(bob)).toEqual([]);
      const [first] = (await list(alice)).body;
      expect(first).toMatchObject({ type: 'follow', account: { id: bob.id }, group_key: expect.any(String) });
      expect(first).not.toHaveProperty('status');
      expect(Date.parse(first.created_at)).not.toBeNaN();
      // Draining again (nothing left) or redelivering changes nothing: see the store's contract.
      await h.drain();
      expect(await seen(alice)).toHaveLength(5);
    });

    it('takes a notification back when its cause is undone or its post deleted', async () => {
      h = await startHarness({}, undefined, current);
      const [alice, bob, carol] = [await h.signUp('alice'), await h.signUp('bob'), await h.signUp('carol')];
      const mine = await post(h, alice, 'hello');
      const other = await post(h, alice, 'another');
      await act(bob, mine, 'favourite');
      await act(bob, mine, 'reblog');
      await act(carol, other, 'favourite');
      await follow(h, bob, alice);
      const mention = await post(h, carol, 'hey @alice');
      await h.drain();
      expect(await seen(alice)).toHaveLength(5);

      await act(bob, mine, 'unfavourite');
      await act(bob, mine, 'unreblog');
      await unfollow(h, bob, alice);
      expect((await h.call('DELETE', `/api/v1/statuses/${mention}`, { token: carol.token })).status).toBe(
        200,
      );
      await h.drain();
      expect(await seen(alice)).toEqual([`favourite carol ${other}`]);

      // Liked, unliked and liked again before the workers ran: one notification, for the like that stands.
      await act(bob, mine, 'favourite');
      await act(bob, mine, 'unfavourite');
      await act(bob, mine, 'favourite');
      await h.drain();
      expect(await seen(alice)).toEqual([`favourite bob ${mine}`, `favourite carol ${other}`]);

      // Deleting the post takes every notification about it.
      expect((await h.call('DELETE', `/api/v1/statuses/${other}`, { token: alice.token })).status).toBe(200);
      await h.drain();
      expect(await seen(alice)).toEqual([`favourite bob ${mine}`]);
    });

    it('pages newest first by the Link header, filters by type and account, and catches up with min_id', async () => {
      h = await startHarness({}, undefined, current);
      const [alice, bob, carol] = [await h.signUp('alice'), await h.signUp('bob'), await h.signUp('carol')];
      const posts: string[] = [];
      for (let i = 0; i < 5; i++) posts.push(await post(h, alice, `post ${i}`));
      for (const id of posts) {
        await act(bob, id, 'favourite');
        await h.drain();
      }
      await follow(h, carol, alice);
      await h.drain();
      await post(h, carol, '@alice look');
      await h.drain();

      const all = await allPages(h, '/api/v1/notifications?limit=2', { token: alice.token });
      expect(all.ids).toHaveLength(7);
      expect(all.pages).toBe(4);
      expect([...all.ids].sort((a, b) => (BigInt(b) > BigInt(a) ? 1 : -1))).toEqual(all.ids);
      expect(await seen(alice, '?types[]=follow&types[]=mention')).toEqual([
        expect.stringMatching(/^mention carol /),
        'follow carol',
      ]);
      expect(await seen(alice, '?exclude_types[]=favourite&exclude_types[]=mention')).toEqual([
        'follow carol',
      ]);
      expect(await seen(alice, '?types=follow')).toEqual(['follow carol']);
      expect(await seen(alice, `?account_id=${bob.id}`)).toHaveLength(5);
      // A type Starling never writes matches nothing; an unknown one too.
      expect(await seen(alice, '?types[]=poll')).toEqual([]);
      expect(await seen(alice, '?types[]=nonsense')).toEqual([]);
      expect((await list(alice, '?max_id=abc')).status).toBe(400);

      const oldest = all.ids.at(-1) as string;
      const caught = await catchUp(h, `/api/v1/notifications?min_id=${oldest}&limit=2`, alice.token);
      expect(caught.ids).toEqual(all.ids.slice(0, -1));
      const newer = await list(alice, `?since_id=${all.ids[2]}`);
      expect(newer.body.map((n: { id: string }) => n.id)).toEqual(all.ids.slice(0, 2));
    });

    it('shows one, dismisses one or all, and keeps them to their recipient', async () => {
      h = await startHarness({}, undefined, current);
      const [alice, bob] = [await h.signUp('alice'), await h.signUp('bob')];
      const mine = await post(h, alice, 'hello');
      await act(bob, mine, 'favourite');
      await follow(h, bob, alice);
      await h.drain();
      const [newest, older] = (await list(alice)).body as { id: string }[];
      if (!newest || !older) throw new Error('two notifications expected');

      const one = await h.call('GET', `/api/v1/notifications/${older.id}`, { token: alice.token });
      expect(one.status).toBe(200);
      expect(one.body).toMatchObject({ id: older.id, type: 'favourite', status: { id: mine } });
      expect((await h.call('GET', `/api/v1/notifications/${older.id}`, { token: bob.token })).status).toBe(
        404,
      );
      expect((await h.call('GET', '/api/v1/notifications/nope', { token: alice.token })).status).toBe(404);
      expect((await h.call('GET', '/api/v1/notifications')).status).toBe(401);

      // Someone else's dismissal changes nothing; one's own removes it for good, redelivery or not.
      await h.call('POST', `/api/v1/notifications/${older.id}/dismiss`, { token: bob.token });
      expect(await seen(alice)).toHaveLength(2);
      const dismissed = await h.call('POST', `/api/v1/notifications/${older.id}/dismiss`, {
        token: alice.token,
      });
      expect(dismissed.status).toBe(200);
      expect((await list(alice)).body.map((n: { id: string }) => n.id)).toEqual([newest.id]);

      expect((await h.call('POST', '/api/v1/notifications/clear', { token: alice.token })).status).toBe(200);
      expect(await seen(alice)).toEqual([]);
    });

    it('counts what is newer than the notifications marker, and keeps markers across devices', async () => {
      h = await startHarness({}, undefined, current);
      const [alice, bob] = [await h.signUp('alice'), await h.signUp('bob')];
      const unread = async (query = '') =>
        (await h.call('GET', `/api/v1/notifications/unread_count${query}`, { token: alice.token })).body
          .count;
      const markers = (query: string) => h.call('GET', `/api/v1/markers${query}`, { token: alice.token });
      expect((await markers('?timeline[]=home&timeline[]=notifications')).body).toEqual({});

      const posts: string[] = [];
      for (let i = 0; i < 3; i++) posts.push(await post(h, alice, `post ${i}`));
      for (const id of posts) await act(bob, id, 'favourite');
      await h.drain();
      expect(await unread()).toBe(3);
      expect(await unread('?limit=2')).toBe(2);
      expect(await unread('?types[]=follow')).toBe(0);
      expect(await unread(`?exclude_types[]=mention&account_id=${bob.id}`)).toBe(3);

      const ids = (await list(alice)).body.map((n: { id: string }) => n.id) as string[];
      const saved = await h.call('POST', '/api/v1/markers', {
        token: alice.token,
        body: { notifications: { last_read_id: ids[1] }, home: { last_read_id: posts[2] } },
      });
      expect(saved.status).toBe(200);
      expect(saved.body.notifications).toMatchObject({ last_read_id: ids[1], version: 0 });
      expect(saved.body.home).toMatchObject({ last_read_id: posts[2], version: 0 });
      expect(await unread()).toBe(1);

      // A form body, as Tusky and Phanpy send it; the version moves with the position, not with a repeat.
      const form = (id: string) =>
        h.call('POST', '/api/v1/markers', {
          token: alice.token,
          body: `notifications%5Blast_read_id%5D=${id}`,
          headers: { 'content-type': 'application/x-www-form-urlencoded' },
        });
      expect((await form(ids[0] as string)).body.notifications).toMatchObject({
        last_read_id: ids[0],
        version: 1,
      });
      expect((await form(ids[0] as string)).body.notifications).toMatchObject({ version: 1 });
      expect(await unread()).toBe(0);

      const read = await markers('?timeline[]=home&timeline[]=notifications');
      expect(read.body).toEqual({
        home: { last_read_id: posts[2], version: 0, updated_at: expect.any(String) },
        notifications: { last_read_id: ids[0], version: 1, updated_at: expect.any(String) },
      });
      expect(Object.keys((await markers('?timeline=home')).body)).toEqual(['home']);
      expect((await h.call('POST', '/api/v1/markers', { token: alice.token, body: {} })).status).toBe(400);
      expect(
        (
          await h.call('POST', '/api/v1/markers', {
            token: alice.token,
            body: { home: { last_read_id: 'x' } },
          })
        ).status,
      ).toBe(400);
      expect((await h.call('GET', '/api/v1/markers', { token: bob.token })).body).toEqual({});
    });

    it('groups favourites and boosts of one post and follows (v2), paging groups by the Link header', async () => {
      h = await startHarness({}, undefined, current);
      const [alice, bob, carol, dave] = [
        await h.signUp('alice'),
        await h.signUp('bob'),
        await h.signUp('carol'),
        await h.signUp('dave'),
      ];
      const [p1, p2] = [await post(h, alice, 'one'), await post(h, alice, 'two')];
      for (const fan of [bob, carol, dave]) await act(fan, p1, 'favourite');
      await act(bob, p1, 'reblog');
      await act(carol, p2, 'favourite');
      await follow(h, dave, alice);
      await follow(h, bob, alice);
      const mention = await post(h, carol, 'hi @alice');
      await h.drain();

      const grouped = await h.call('GET', '/api/v2/notifications', { token: alice.token });
      expect(grouped.status).toBe(200);
      const summary = (body: { notification_groups: Record<string, unknown>[] }) =>
        body.notification_groups.map((g) => [
          g.type,
          g.notifications_count,
          g.sample_account_ids,
          g.status_id,
        ]);
      expect(summary(grouped.body)).toEqual([
        ['mention', 1, [carol.id], mention],
        ['follow', 2, [bob.id, dave.id], undefined],
        ['favourite', 1, [carol.id], p2],
        ['reblog', 1, [bob.id], p1],
        ['favourite', 3, [dave.id, carol.id, bob.id], p1],
      ]);
      expect(grouped.body.accounts.map((a: { id: string }) => a.id).sort()).toEqual(
        [bob.id, carol.id, dave.id].sort(),
      );
      expect(grouped.body.statuses.map((s: { id: string }) => s.id).sort()).toEqual([p1, p2, mention].sort());
      const [first] = grouped.body.notification_groups;
      expect(first.group_key).toMatch(/^ungrouped-/);
      expect(first.most_recent_notification_id).toBe(first.page_max_id);

      // Page by page, every notification is in exactly one group of one page.
      let next: string | null = '/api/v2/notifications?limit=2';
      const counted: number[] = [];
      for (let pages = 0; next !== null; pages++) {
        const page = await h.call('GET', next, { token: alice.token });
        expect(page.status).toBe(200);
        expect(page.body.notification_groups.length).toBeLessThanOrEqual(2);
        counted.push(
          ...page.body.notification_groups.map((g: { notifications_count: number }) => g.notifications_count),
        );
        const link = linkOf(page, 'next');
        next = link === null ? null : pathOf(link);
        expect(pages).toBeLessThan(10);
      }
      expect(counted.reduce((a, b) => a + b, 0)).toBe(8);
      // Catching up from the oldest end: the two oldest groups, then the way up.
      const up = await h.call('GET', '/api/v2/notifications?min_id=0&limit=2', { token: alice.token });
      expect(summary(up.body)).toEqual([
        ['reblog', 1, [bob.id], p1],
        ['favourite', 3, [dave.id, carol.id, bob.id], p1],
      ]);
      expect(linkOf(up, 'prev')).toContain(`min_id=${up.body.notification_groups[0].page_max_id}`);
      // Not grouping favourites lists each on its own.
      const apart = await h.call('GET', '/api/v2/notifications?grouped_types[]=follow&types[]=favourite', {
        token: alice.token,
      });
      expect(summary(apart.body).map(([type, n]) => `${type} ${n}`)).toEqual([
        'favourite 1',
        'favourite 1',
        'favourite 1',
        'favourite 1',
      ]);
    });
  });
}
