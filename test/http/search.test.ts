import { afterEach, beforeAll, describe, expect, it } from 'vitest';
import { type Backend, backends, type Harness, startHarness, type User } from '../support/harness.js';

let h: Harness;
afterEach(() => h.close());

let current: Backend;

async function post(user: User, text: string): Promise<string> {
  const reply = await h.call('POST', '/api/v1/tweets', { token: user.token, body: { text } });
  expect(reply.status).toBe(201);
  return reply.body.id;
}

const search = (q: string, extra = '') =>
  h.call('GET', `/api/v1/search/tweets?q=${encodeURIComponent(q)}${extra}`);
const found = async (q: string) => {
  const reply = await search(q);
  expect(reply.status).toBe(200);
  return reply.body.tweets.map((t: { id: string }) => t.id);
};
const accounts = async (q: string) => {
  const reply = await h.call('GET', `/api/v1/search/accounts?q=${encodeURIComponent(q)}`);
  expect(reply.status).toBe(200);
  return reply.body.accounts.map((a: { handle: string }) => a.handle);
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
    });

    it('pages with cursors, and never matches deleted tweets', async () => {
      h = await startHarness({}, undefined, current);
      const alice = await h.signUp('alice');
      const posted: string[] = [];
      for (let i = 0; i < 7; i++) posted.push(await post(alice, `note number ${i} #notes`));
      const gone = posted[3] as string;
      await h.call('DELETE', `/api/v1/tweets/${gone}`, { token: alice.token });

      const seen: string[] = [];
      let cursor: string | null = null;
      do {
        const reply = await search('#notes', `&limit=2${cursor ? `&cursor=${cursor}` : ''}`);
        expect(reply.status).toBe(200);
        seen.push(...reply.body.tweets.map((t: { id: string }) => t.id));
        cursor = reply.body.next_cursor;
      } while (cursor !== null);
      expect(seen).toEqual(posted.filter((id) => id !== gone).reverse());
      expect(await found('"number 3"')).toEqual([]);
    });

    it('refuses empty and malformed queries with 400', async () => {
      h = await startHarness({}, undefined, current);
      for (const q of ['', '   ', '"unclosed phrase', '#', '@', '@not-a-handle', '!!! ???', '#🙂']) {
        const reply = await search(q);
        expect(reply.status, q).toBe(400);
        expect(reply.body.error.code).toBe('validation_failed');
      }
      expect((await h.call('GET', '/api/v1/search/tweets')).status).toBe(400);
      expect((await h.call('GET', '/api/v1/search/tweets?q=x&sort=top')).status).toBe(400);
      expect((await search('x', '&cursor=bogus')).status).toBe(400);
      expect((await search('a'.repeat(300))).status).toBe(400);
      expect((await h.call('GET', '/api/v1/search/accounts?q=')).status).toBe(400);
      expect((await h.call('GET', '/api/v1/search/accounts?q=%20%21%20')).status).toBe(400);
    });

    it('finds accounts by handle prefix and by display-name words', async () => {
      h = await startHarness({}, undefined, current);
      for (const [handle, name] of [
        ['alice', 'Alice Liddell'],
        ['alicia_k', 'Alicia Keys'],
        ['aliXbob', 'Not Relevant'],
        ['bob', 'Bob Alison'],
        ['carol', 'Carol'],
      ]) {
        const reply = await h.call('POST', '/api/v1/accounts', {
          body: { handle, password: 'correct horse battery', display_name: name },
        });
        expect(reply.status).toBe(201);
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
    });
  });
}
