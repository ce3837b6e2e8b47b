import { afterEach, beforeAll, describe, expect, it } from 'vitest';
import { allPages, follow, home, ids, linkOf, post } from '../support/client-api.js';
import { type Backend, backends, type Harness, startHarness, type User } from '../support/harness.js';

/**
 * The lists besides the home timeline: the public and hashtag timelines (public originals only) and an account's own
 * statuses with Mastodon's filters; unlisted posts reach followers and the author's page, no public list.
 */

let h: Harness;
afterEach(() => h.close());
let current: Backend;

const list = async (url: string, token?: string) => {
  const reply = await h.call('GET', url, { token });
  expect(reply.status, `${url}: ${JSON.stringify(reply.body)}`).toBe(200);
  return ids(reply);
};
const boost = async (user: User, id: string) => {
  const reply = await h.call('POST', `/api/v1/statuses/${id}/reblog`, { token: user.token });
  expect(reply.status).toBe(200);
  return reply.body.id as string;
};

for (const backend of backends()) {
  describe(`public lists (${backend.name})`, () => {
    beforeAll(() => {
      current = backend;
    });

    it('lists public originals in the public and hashtag timelines; never unlisted posts or boosts', async () => {
      h = await startHarness({}, undefined, current);
      const [alice, bob, carol] = [await h.signUp('alice'), await h.signUp('bob'), await h.signUp('carol')];
      await follow(h, carol, alice);
      const open = await post(h, alice, 'for everyone #Starling');
      const quiet = await post(h, alice, 'for followers #starling', { visibility: 'unlisted' });
      const shared = await boost(bob, open);
      const boostedQuiet = await boost(bob, quiet);
      const reply = await post(h, bob, 'a reply #other', { in_reply_to_id: open });
      const gone = await post(h, bob, 'soon deleted #starling');
      await h.call('DELETE', `/api/v1/statuses/${gone}`, { token: bob.token });
      await h.drain();

      expect(await list('/api/v1/timelines/public')).toEqual([reply, open]);
      expect(await list('/api/v1/timelines/public', carol.token)).toEqual([reply, open]);
      expect(await list('/api/v1/timelines/public?local=true')).toEqual([reply, open]);
      expect((await allPages(h, '/api/v1/timelines/public?limit=1')).ids).toEqual([reply, open]);
      // Every account is local and no post has media: these ask for what cannot be.
      expect(await list('/api/v1/timelines/public?remote=true')).toEqual([]);
      expect(await list('/api/v1/timelines/public?only_media=true')).toEqual([]);

      for (const tag of ['starling', 'STARLING', 'Starling']) {
        expect(await list(`/api/v1/timelines/tag/${tag}`), tag).toEqual([open]);
      }
      expect(await list('/api/v1/timelines/tag/other')).toEqual([reply]);
      expect(await list('/api/v1/timelines/tag/nothing')).toEqual([]);
      // What no post can carry as a tag finds nothing (and is no error).
      for (const tag of ['%00', 'two%20words', '%23'])
        expect(await list(`/api/v1/timelines/tag/${tag}`)).toEqual([]);

      // The unlisted post reaches the author's followers and the author's page, and boosts of it count as boosts.
      expect(ids(await home(h, carol))).toEqual([quiet, open]);
      expect(await list(`/api/v1/accounts/${alice.id}/statuses`)).toEqual([quiet, open]);
      expect(await list(`/api/v1/accounts/${bob.id}/statuses`)).toEqual([reply, boostedQuiet, shared]);
      const shown = await h.call('GET', `/api/v1/statuses/${quiet}`);
      expect(shown.body.visibility).toBe('unlisted');
    });

    it('pages the tag timeline by the Link header, exactly once each, newest first', async () => {
      h = await startHarness({}, undefined, current);
      const alice = await h.signUp('alice');
      const tagged: string[] = [];
      for (let i = 0; i < 7; i++) {
        tagged.push(await post(h, alice, `number ${i} #count`));
        await post(h, alice, `number ${i} untagged`);
      }
      const { ids: seen, pages } = await allPages(h, '/api/v1/timelines/tag/count?limit=2');
      expect(seen).toEqual([...tagged].reverse());
      expect(pages).toBe(4);
      expect(await list(`/api/v1/timelines/tag/count?limit=2&min_id=${tagged[2]}`)).toEqual([
        tagged[4],
        tagged[3],
      ]);
    });

    it("filters an account's statuses: exclude_replies keeps self-replies, exclude_reblogs, tagged", async () => {
      h = await startHarness({}, undefined, current);
      const [alice, bob] = [await h.signUp('alice'), await h.signUp('bob')];
      const theirs = await post(h, bob, 'bob says');
      const root = await post(h, alice, 'a thread #News');
      const selfReply = await post(h, alice, 'and more #news', { in_reply_to_id: root });
      const answer = await post(h, alice, 'answering bob', { in_reply_to_id: theirs });
      const shared = await boost(alice, theirs);
      const plain = await post(h, alice, 'just a post');
      const statuses = (query = '') => list(`/api/v1/accounts/${alice.id}/statuses${query}`);

      expect(await statuses()).toEqual([plain, shared, answer, selfReply, root]);
      expect(await statuses('?exclude_replies=true')).toEqual([plain, shared, selfReply, root]);
      expect(await statuses('?exclude_reblogs=true')).toEqual([plain, answer, selfReply, root]);
      expect(await statuses('?exclude_replies=1&exclude_reblogs=1')).toEqual([plain, selfReply, root]);
      expect(await statuses('?exclude_replies=false')).toEqual([plain, shared, answer, selfReply, root]);
      for (const tag of ['news', 'NEWS', '%23news'])
        expect(await statuses(`?tagged=${tag}`), tag).toEqual([selfReply, root]);
      expect(await statuses('?tagged=none')).toEqual([]);
      expect(await statuses('?tagged=%00')).toEqual([]);
      expect(await statuses('?only_media=true')).toEqual([]);
      expect(await statuses('?pinned=true')).toEqual([]);

      // Filters carry over to the next page.
      const first = await h.call('GET', `/api/v1/accounts/${alice.id}/statuses?exclude_replies=true&limit=2`);
      expect(new URL(linkOf(first, 'next') as string).searchParams.get('exclude_replies')).toBe('true');
      const paged = await allPages(h, `/api/v1/accounts/${alice.id}/statuses?exclude_replies=true&limit=1`);
      expect(paged.ids).toEqual([plain, shared, selfReply, root]);

      expect((await h.call('GET', '/api/v1/accounts/123456789/statuses')).status).toBe(404);
      expect((await h.call('GET', '/api/v1/accounts/alice/statuses')).status).toBe(404);
      expect((await h.call('GET', `/api/v1/accounts/${alice.id}/statuses?max_id=x`)).status).toBe(400);
    });
  });
}
