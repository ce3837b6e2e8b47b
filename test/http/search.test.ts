import { afterEach, beforeAll, describe, expect, it } from 'vitest';
import { appToken, register, registerApp } from '../support/apps.js';
import { post as postStatus } from '../support/client-api.js';
import { type Backend, backends, type Harness, startHarness, type User } from '../support/harness.js';

let h: Harness;
afterEach(() => h.close());

let current: Backend;

const post = (user: User, text: string) => postStatus(h, user, text);

const search = (q: string, extra = '') => h.call('GET', `/api/v2/search?q=${encodeURIComponent(q)}${extra}`);
const found = async (q: string, extra = '') => {
  const reply = await search(q, `&type=statuses${extra}`);
  expect(reply.status, JSON.stringify(reply.body)).toBe(200);
  expect(reply.body.accounts).toEqual([]);
  expect(reply.body.hashtags).toEqual([]);
  return reply.body.statuses.map((s: { id: string }) => s.id);
};
const accounts = async (q: string) => {
  const reply = await search(q, '&type=accounts');
  expect(reply.status, JSON.stringify(reply.body)).toBe(200);
  return reply.body.accounts.map((a: { username: string }) => a.username);
};

for (const backend of backends()) {
  describe(`search (${backend.name})`, () => {
    beforeAll(() => {
      current = backend;
    });

    it('matches words, "phrases", #hashtags and @handles, all required, newest first', async () => {
      h = await startHarness({}, undefined, current);
      const [alice, bob] = [await h.signUp('alice'), await h.signUp('bob')];
      const a = await post(alice, 'Rust makes systems programming fun #Rust');
      const b = await post(bob, 'programming in Go is fun too, @alice #golang');
      const c = await post(alice, 'Fun with systems, and programming makes it so');
      const d = await post(bob, 'rusty nails #RUST');

      expect(await found('programming')).toEqual([c, b, a]);
      expect(await found('PROGRAMMING fun')).toEqual([c, b, a]);
      expect(await found('"systems programming"')).toEqual([a]);
      expect(await found('"programming fun"')).toEqual([a]);
      expect(await found('"fun programming"')).toEqual([]);
      expect(await found('#rust')).toEqual([d, a]);
      expect(await found('#Rust systems')).toEqual([a]);
      expect(await found('@alice')).toEqual([b]);
      expect(await found('@ALICE #golang fun')).toEqual([b]);
      expect(await found('rust')).toEqual([d, a]);
      expect(await found('nothing-like-this')).toEqual([]);

      // Without a type, every kind at once: the statuses, the tags that start so, the accounts that match.
      const all = await search('#rust');
      expect(all.status).toBe(200);
      expect(all.body.statuses.map((s: { id: string }) => s.id)).toEqual([d, a]);
      expect(all.body.hashtags.map((t: { name: string }) => t.name)).toEqual(['rust']);
      expect(all.body.hashtags[0].url).toMatch(/\/tags\/rust$/);
      const people = await search('ali');
      expect(people.body.accounts.map((x: { username: string }) => x.username)).toEqual(['alice']);
      // A found status is a whole Status, seen by whoever asks.
      const mine = await h.call('GET', `/api/v2/search?type=statuses&q=golang`, { token: alice.token });
      expect(mine.body.statuses[0]).toMatchObject({ id: b, account: { username: 'bob' }, favourited: false });
    });

    it('pages by offset, each status once, and never matches deleted statuses', async () => {
      h = await startHarness({}, undefined, current);
      const alice = await h.signUp('alice');
      const posted: string[] = [];
      for (let i = 0; i < 7; i++) posted.push(await post(alice, `note number ${i} #notes`));
      const gone = posted[3] as string;
      expect((await h.call('DELETE', `/api/v1/statuses/${gone}`, { token: alice.token })).status).toBe(200);

      const seen: string[] = [];
      for (let offset = 0; ; offset += 2) {
        const page = await found('#notes', `&limit=2&offset=${offset}`);
        expect(page.length).toBeLessThanOrEqual(2);
        if (page.length === 0) break;
        seen.push(...page);
      }
      expect(seen).toEqual(posted.filter((id) => id !== gone).reverse());
      expect(await found('"number 3"')).toEqual([]);
      // limit is clamped to 40, as Mastodon's is.
      expect(await found('#notes', '&limit=1000')).toHaveLength(6);
    });

    it('refuses empty and malformed queries with 400', async () => {
      h = await startHarness({}, undefined, current);
      for (const q of [
        '',
        '   ',
        '"unclosed phrase',
        '#',
        '@',
        '@not-a-handle',
        '!!! ???',
        '#🙂',
        'a'.repeat(300),
      ]) {
        const reply = await search(q, '&type=statuses');
        expect(reply.status, q).toBe(400);
        expect(reply.body.code).toBe('validation_failed');
      }
      for (const query of [
        '',
        '?type=statuses',
        '?q=x&type=people',
        '?q=x&limit=0',
        '?q=x&offset=-1',
        '?q=x&offset=many',
      ]) {
        const reply = await h.call('GET', `/api/v2/search${query}`);
        expect(reply.status, query).toBe(400);
        expect(reply.body.code).toBe('validation_failed');
      }
      for (const q of ['', '%20%21%20']) {
        expect((await h.call('GET', `/api/v2/search?type=accounts&q=${q}`)).status, q).toBe(400);
      }
      // Meaningless for every kind at once (no words, no handle, no tag), or for the one kind asked for.
      for (const q of ['%21%21%21', '%40']) {
        expect((await h.call('GET', `/api/v2/search?q=${q}`)).status, q).toBe(400);
        expect((await h.call('GET', `/api/v2/search?type=hashtags&q=${q}`)).status, q).toBe(400);
      }
      // A query that makes sense for some kinds finds nothing of the others.
      expect((await h.call('GET', '/api/v2/search?q=%40someone')).status).toBe(200);
      // Parameters Mastodon does not know are ignored.
      expect((await h.call('GET', '/api/v2/search?type=statuses&q=x&sort=top')).status).toBe(200);
    });

    it('finds accounts by handle prefix and by display-name words', async () => {
      h = await startHarness({}, undefined, current);
      const withToken = await appToken(h, await registerApp(h));
      for (const [username, name] of [
        ['alice', 'Alice Liddell'],
        ['alicia_k', 'Alicia Keys'],
        ['aliXbob', 'Not Relevant'],
        ['bob', 'Bob Alison'],
        ['carol', 'Carol'],
      ]) {
        const reply = await register(h, withToken, { username, display_name: name });
        expect(reply.status).toBe(200);
      }
      expect(await accounts('ali')).toEqual(['bob', 'aliXbob', 'alicia_k', 'alice']);
      expect(await accounts('@ALICIA')).toEqual(['alicia_k']);
      // An underscore in the query is an underscore, not a wildcard.
      expect(await accounts('alicia_')).toEqual(['alicia_k']);
      // 'ali_' matches display names starting "ali", but no handle: with a wildcard it would find aliXbob.
      expect(await accounts('ali_')).toEqual(['bob', 'alicia_k', 'alice']);
      expect(await accounts('keys alic')).toEqual(['alicia_k']);
      expect(await accounts('liddell')).toEqual(['alice']);
      expect(await accounts('zed')).toEqual([]);
      const page = await search('ali', '&type=accounts&limit=2&offset=1');
      expect(page.body.accounts.map((a: { username: string }) => a.username)).toEqual([
        'aliXbob',
        'alicia_k',
      ]);
      expect((await h.call('GET', '/api/v1/accounts/search?q=liddell')).body[0]).toMatchObject({
        username: 'alice',
        display_name: 'Alice Liddell',
      });
    });
  });
}
