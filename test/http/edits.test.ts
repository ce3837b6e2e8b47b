import { afterEach, describe, expect, it } from 'vitest';
import { follow, home, plain, post } from '../support/client-api.js';
import { backends, type Harness, startHarness, type User } from '../support/harness.js';
import { image, upload } from '../support/images.js';
import { needs } from '../support/servers.js';

let h: Harness | undefined;
afterEach(async () => {
  await h?.close();
  h = undefined;
});

const edit = (harness: Harness, user: User, id: string, body: unknown) =>
  harness.call('PUT', `/api/v1/statuses/${id}`, { token: user.token, body });
const search = async (harness: Harness, q: string) =>
  (await harness.call('GET', `/api/v2/search?type=statuses&q=${encodeURIComponent(q)}`)).body.statuses.map(
    (s: { id: string }) => s.id,
  );

for (const backend of backends()) {
  describe(`editing a status (${backend.name})`, () => {
    it('rewrites the text, mentions, tags and search; counters and replies stay; every cache shows the edit', async () => {
      h = await startHarness({}, undefined, backend);
      const [alice, bob, carol] = [await h.signUp('alice'), await h.signUp('bob'), await h.signUp('carol')];
      await follow(h, bob, alice);
      const id = await post(h, alice, 'Tea at four with @bob #teatime');
      await h.drain();
      await h.call('POST', `/api/v1/statuses/${id}/favourite`, { token: bob.token });
      const reply = await post(h, carol, 'Count me in', { in_reply_to_id: id });
      await h.drain();
      // Bob's timeline, the post's page and search have the body cached as it was.
      expect(plain((await home(h, bob)).body[0])).toBe('Tea at four with @bob #teatime');
      expect(await search(h, 'teatime')).toEqual([id]);

      const edited = await edit(h, alice, id, { status: 'Tea at five with @carol #supper' });
      expect(edited.status, JSON.stringify(edited.body)).toBe(200);
      expect(edited.body).toMatchObject({
        id,
        edited_at: expect.stringMatching(/\.\d{3}Z$/),
        favourites_count: 1,
        replies_count: 1,
        mentions: [{ username: 'carol' }],
        tags: [{ name: 'supper' }],
      });
      expect(plain(edited.body)).toBe('Tea at five with @carol #supper');

      // At once, before the workers run: the body cache was replaced.
      const [shown] = (await home(h, bob)).body;
      expect(plain(shown)).toBe('Tea at five with @carol #supper');
      expect(shown.edited_at).toBe(edited.body.edited_at);
      expect(shown.favourited).toBe(true);
      await h.drain();
      expect((await h.call('GET', `/api/v1/statuses/${id}`)).body.content).toBe(edited.body.content);
      const context = await h.call('GET', `/api/v1/statuses/${id}/context`);
      expect(context.body.descendants.map((s: { id: string }) => s.id)).toEqual([reply]);
      expect(await search(h, 'teatime')).toEqual([]);
      expect(await search(h, 'supper')).toEqual([id]);
      expect(await search(h, '@carol')).toEqual([id]);
    });

    it('keeps the history oldest first, the original included, and gives the source back', async () => {
      h = await startHarness({}, undefined, backend);
      const alice = await h.signUp('alice');
      const id = await post(h, alice, 'first draft');
      const created = (await h.call('GET', `/api/v1/statuses/${id}`)).body.created_at;
      const unedited = await h.call('GET', `/api/v1/statuses/${id}/history`);
      expect(unedited.body.map(plain)).toEqual(['first draft']);

      h.clock.advance(60_000);
      await edit(h, alice, id, { status: 'second draft', spoiler_text: 'drafts' });
      h.clock.advance(60_000);
      const last = (await edit(h, alice, id, { status: 'final' })).body;
      // Nothing changed: nothing recorded.
      expect((await edit(h, alice, id, { status: 'final' })).body.edited_at).toBe(last.edited_at);

      const history = (await h.call('GET', `/api/v1/statuses/${id}/history`)).body;
      expect(history.map(plain)).toEqual(['first draft', 'second draft', 'final']);
      expect(history.map((v: { spoiler_text: string }) => v.spoiler_text)).toEqual(['', 'drafts', 'drafts']);
      expect(history[0].created_at).toBe(created);
      expect(history[2].created_at).toBe(last.edited_at);
      expect(history[0].account.id).toBe(alice.id);
      const source = await h.call('GET', `/api/v1/statuses/${id}/source`, { token: alice.token });
      expect(source.body).toEqual({ id, text: 'final', spoiler_text: 'drafts' });
    });

    it("refuses to edit someone else's post (404), a boost, or with bad input, and changes nothing", async () => {
      h = await startHarness({}, undefined, backend);
      const [alice, mallory] = [await h.signUp('alice'), await h.signUp('mallory')];
      const id = await post(h, alice, 'mine');
      const boost = (await h.call('POST', `/api/v1/statuses/${id}/reblog`, { token: mallory.token })).body.id;
      const cases: [string, User, string, unknown, number][] = [
        ["someone else's post", mallory, id, { status: 'pwned' }, 404],
        ['a post that does not exist', alice, '123456789', { status: 'x' }, 404],
        ['a boost', mallory, boost, { status: 'x' }, 422],
        ['text over 280', alice, id, { status: 'x'.repeat(281) }, 400],
        ['no text and no images', alice, id, { status: ' ' }, 400],
      ];
      for (const [what, who, target, body, status] of cases) {
        const reply = await edit(h, who, target, body);
        expect(reply.status, `${what}: ${JSON.stringify(reply.body)}`).toBe(status);
      }
      const after = (await h.call('GET', `/api/v1/statuses/${id}`)).body;
      expect(plain(after)).toBe('mine');
      expect(after.edited_at).toBeNull();
      expect((await h.call('GET', `/api/v1/statuses/${id}/history`)).body).toHaveLength(1);
    });

    it('adds and removes images; the history shows each version with its own', async () => {
      h = await startHarness({}, undefined, backend);
      const [alice, bob] = [await h.signUp('alice'), await h.signUp('bob')];
      const [first, second] = [
        (await upload(h, alice, await image(30, 20), { description: 'one' })).body.id,
        (await upload(h, alice, await image(20, 30), { description: 'two' })).body.id,
      ];
      const bobs = (await upload(h, bob, await image(10, 10))).body.id;
      const id = await post(h, alice, 'pictures', { media_ids: [first] });
      expect((await edit(h, alice, id, { media_ids: [first, bobs] })).status).toBe(400);
      const both = (await edit(h, alice, id, { media_ids: [second, first] })).body;
      expect(both.media_attachments.map((m: { id: string }) => m.id)).toEqual([second, first]);
      expect(plain(both)).toBe('pictures');
      const none = (await edit(h, alice, id, { media_ids: [] })).body;
      expect(none.media_attachments).toEqual([]);
      const history = (await h.call('GET', `/api/v1/statuses/${id}/history`)).body;
      expect(
        history.map((v: { media_attachments: { description: string }[] }) =>
          v.media_attachments.map((m) => m.description),
        ),
      ).toEqual([['one'], ['two', 'one'], []]);
    });
  });
}

describe('an edit across api processes', needs('postgres', 'redis', 'nats'), () => {
  it('shows in another process that had the old body', async () => {
    h = await startHarness({}, undefined, backends()[1]);
    const other = await h.anotherApi();
    const [alice, bob] = [await h.signUp('alice'), await h.signUp('bob')];
    await follow(h, bob, alice);
    const id = await post(h, alice, 'before');
    await h.drain();
    expect(plain((await home(other, bob)).body[0])).toBe('before');
    await edit(h, alice, id, { status: 'after' });
    expect(plain((await home(other, bob)).body[0])).toBe('after');
  });
});
