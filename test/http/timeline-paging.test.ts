import { afterEach, beforeAll, describe, expect, it } from 'vitest';
import type { Config } from '../../src/config.js';
import {
  allPages,
  catchUp,
  follow,
  home as homeOf,
  ids,
  linkOf,
  pathOf,
  post,
} from '../support/client-api.js';
import { type Backend, backends, type Harness, startHarness, type User } from '../support/harness.js';

/**
 * Mastodon's paging of the home timeline: `max_id` (older than), `since_id` (the newest above it), `min_id` (the
 * page right above it, for catching up), `limit`, and the `Link` header that leads on, in both backends.
 */

let h: Harness;
afterEach(() => h.close());
let current: Backend;

/** `n` statuses in the reader's home timeline, half the reader's own and half a followee's; oldest first. */
async function seed(
  n: number,
  overrides: Partial<Config> = {},
): Promise<{ reader: User; friend: User; posted: string[] }> {
  h = await startHarness(overrides, undefined, current);
  const [reader, friend] = [await h.signUp('reader'), await h.signUp('friend')];
  await follow(h, reader, friend);
  const posted: string[] = [];
  for (let i = 0; i < n; i++) posted.push(await post(h, i % 2 ? friend : reader, `s${i}`));
  await h.drain();
  return { reader, friend, posted };
}

/** `posted[from..to]` (both included), newest first, as a timeline lists them. */
const span = (posted: string[], from: number, to: number) => posted.slice(from, to + 1).reverse();
const home = (reader: User, query: string) => homeOf(h, reader, query);

for (const backend of backends()) {
  describe(`home timeline paging (${backend.name})`, () => {
    beforeAll(() => {
      current = backend;
    });

    it('max_id, since_id and min_id each pick their page, newest first', async () => {
      const { reader, posted } = await seed(10);
      const at = (i: number) => posted[i] as string;
      // Older than max_id, the newest of them.
      expect(ids(await home(reader, `?limit=3&max_id=${at(5)}`))).toEqual(span(posted, 2, 4));
      // Newer than since_id: the newest `limit`, leaving a gap a client fills by paging down.
      expect(ids(await home(reader, `?limit=3&since_id=${at(2)}`))).toEqual(span(posted, 7, 9));
      // Newer than min_id: the `limit` right above it, still listed newest first.
      expect(ids(await home(reader, `?limit=3&min_id=${at(2)}`))).toEqual(span(posted, 3, 5));
      // Bounds combine: a window between two ids, taken from either end.
      expect(ids(await home(reader, `?limit=3&max_id=${at(8)}&since_id=${at(2)}`))).toEqual(
        span(posted, 5, 7),
      );
      expect(ids(await home(reader, `?limit=3&max_id=${at(8)}&min_id=${at(2)}`))).toEqual(span(posted, 3, 5));
      // Fewer than `limit` above: all of them.
      expect(ids(await home(reader, `?since_id=${at(6)}`))).toEqual(span(posted, 7, 9));
      expect(ids(await home(reader, `?min_id=${at(6)}`))).toEqual(span(posted, 7, 9));
      expect(ids(await home(reader, `?min_id=${at(9)}`))).toEqual([]);
      expect(ids(await home(reader, `?max_id=${at(0)}`))).toEqual([]);
    });

    it('catching up with min_id from the prev link sees every status exactly once, new ones too', async () => {
      const { reader, friend, posted } = await seed(11);
      let arrivals = 0;
      const seen: string[][] = [];
      let url: string | null = `/api/v1/timelines/home?limit=3&min_id=${posted[0]}`;
      while (url !== null) {
        const page = await h.call('GET', url, { token: reader.token });
        expect(page.status).toBe(200);
        seen.push(ids(page));
        const prev = linkOf(page, 'prev');
        url = ids(page).length === 0 || prev === null ? null : pathOf(prev);
        // A status arrives while the client is catching up: it is on a later page, not lost.
        if (arrivals++ === 1) {
          posted.push(await post(h, friend, 'arrives mid-catch-up'));
          await h.drain();
        }
      }
      expect(seen.reverse().flat()).toEqual(span(posted, 1, posted.length - 1));
      expect(seen.length).toBeGreaterThan(4);
    });

    it('clamps limit: 20 by default, 40 at most', async () => {
      const { reader, posted } = await seed(45);
      expect(ids(await home(reader, ''))).toEqual(span(posted, 25, 44));
      expect(ids(await home(reader, '?limit=1000'))).toEqual(span(posted, 5, 44));
      expect(ids(await home(reader, '?limit=40'))).toEqual(span(posted, 5, 44));
      expect(ids(await home(reader, '?limit=1'))).toEqual(span(posted, 44, 44));
      expect(ids(await home(reader, `?limit=1000&min_id=${posted[0]}`))).toEqual(span(posted, 1, 40));
      const { ids: all, pages } = await allPages(h, '/api/v1/timelines/home?limit=1000', {
        token: reader.token,
      });
      expect(all).toEqual(span(posted, 0, 44));
      expect(pages).toBe(2);
    });

    it('links next and prev absolutely on the origin the request came to, keeping its other parameters', async () => {
      const { reader, posted } = await seed(10);
      const page = await h.call('GET', `/api/v1/timelines/home?limit=3&foo=bar&since_id=${posted[1]}`, {
        token: reader.token,
        headers: { host: 'social.example:8443' },
      });
      expect(ids(page)).toEqual(span(posted, 7, 9));
      const next = new URL(linkOf(page, 'next') as string);
      const prev = new URL(linkOf(page, 'prev') as string);
      for (const link of [next, prev]) {
        expect(link.origin).toBe('http://social.example:8443');
        expect(link.pathname).toBe('/api/v1/timelines/home');
        expect(link.searchParams.get('limit')).toBe('3');
        expect(link.searchParams.get('foo')).toBe('bar');
        expect(link.searchParams.has('since_id')).toBe(false);
      }
      expect([...next.searchParams.keys()].sort()).toEqual(['foo', 'limit', 'max_id']);
      expect(next.searchParams.get('max_id')).toBe(posted[7]);
      expect([...prev.searchParams.keys()].sort()).toEqual(['foo', 'limit', 'min_id']);
      expect(prev.searchParams.get('min_id')).toBe(posted[9]);
      // The last page has no next; an empty one links nowhere.
      const last = await home(reader, `?limit=3&max_id=${posted[2]}`);
      expect(ids(last)).toEqual(span(posted, 0, 1));
      expect(linkOf(last, 'next')).toBeNull();
      expect(linkOf(last, 'prev')).not.toBeNull();
      const empty = await home(reader, `?min_id=${posted[9]}`);
      expect(empty.body).toEqual([]);
      expect(empty.headers.link).toBeUndefined();
    });

    it('links on the configured public origin when there is one', async () => {
      const { reader } = await seed(3, { publicUrl: 'https://starling.example' });
      const page = await h.call('GET', '/api/v1/timelines/home?limit=1', {
        token: reader.token,
        headers: { host: 'internal:3000' },
      });
      expect(linkOf(page, 'next')).toMatch(
        /^https:\/\/starling\.example\/api\/v1\/timelines\/home\?limit=1&max_id=\d+$/,
      );
      expect(linkOf(page, 'prev')).toMatch(
        /^https:\/\/starling\.example\/api\/v1\/timelines\/home\?limit=1&min_id=\d+$/,
      );
    });

    it('refuses min_id with since_id, and malformed ids, with 400', async () => {
      const { reader, posted } = await seed(2);
      const both = await home(reader, `?min_id=${posted[0]}&since_id=${posted[0]}`);
      expect(both.status).toBe(400);
      expect(both.body.code).toBe('validation_failed');
      for (const bad of ['abc', '-1', '1.5', '0x10', '%201', '18446744073709551616', '1'.repeat(21)]) {
        for (const name of ['max_id', 'since_id', 'min_id']) {
          const reply = await home(reader, `?${name}=${bad}`);
          expect(reply.status, `${name}=${bad}`).toBe(400);
          expect(reply.body.code).toBe('validation_failed');
        }
      }
      // An empty value is no bound at all, as clients send it.
      expect(ids(await home(reader, '?max_id=&min_id='))).toEqual(span(posted, 0, 1));
    });

    it('fills min_id pages past statuses that are no longer shown', async () => {
      const { reader, friend, posted } = await seed(12);
      const at = (i: number) => posted[i] as string;
      for (const i of [4, 5, 6]) {
        const author = i % 2 ? friend : reader;
        expect((await h.call('DELETE', `/api/v1/statuses/${at(i)}`, { token: author.token })).status).toBe(
          200,
        );
      }
      // Before fanout forgets them, the cached timeline still holds them: the page is filled from further up.
      expect(ids(await home(reader, `?limit=3&min_id=${at(2)}`))).toEqual([at(8), at(7), at(3)]);
      await h.drain();
      expect(ids(await home(reader, `?limit=3&min_id=${at(2)}`))).toEqual([at(8), at(7), at(3)]);
      const { ids: caught } = await catchUp(
        h,
        `/api/v1/timelines/home?limit=2&min_id=${at(0)}`,
        reader.token,
      );
      expect(caught).toEqual(span(posted, 1, 11).filter((id) => ![at(4), at(5), at(6)].includes(id)));
    });

    it('answers min_id pages below the cached timeline from the database', async () => {
      h = await startHarness({ timelineMax: 10 }, undefined, current);
      const [reader, friend] = [await h.signUp('reader'), await h.signUp('friend')];
      await follow(h, reader, friend);
      await home(reader, ''); // the reader's timeline is cached from here on, and gets fanout
      const posted: string[] = [];
      for (let i = 0; i < 25; i++) posted.push(await post(h, friend, `s${i}`));
      await h.drain();
      const cached = await h.app.cache.read(BigInt(reader.id), { limit: 100 });
      expect(cached?.entries.length).toBeLessThanOrEqual(10);
      expect(cached?.entries.map((e) => e.tweetId.toString())).not.toContain(posted[3]);

      expect(ids(await home(reader, `?limit=5&min_id=${posted[2]}`))).toEqual(span(posted, 3, 7));
      expect(ids(await home(reader, `?limit=5&min_id=${posted[12]}`))).toEqual(span(posted, 13, 17));
      expect(ids(await home(reader, `?limit=5&since_id=${posted[2]}`))).toEqual(span(posted, 20, 24));
      const { ids: caught } = await catchUp(
        h,
        `/api/v1/timelines/home?limit=4&min_id=${posted[0]}`,
        reader.token,
      );
      expect(caught).toEqual(span(posted, 1, 24));
      const { ids: paged } = await allPages(h, '/api/v1/timelines/home?limit=4', { token: reader.token });
      expect(paged).toEqual(span(posted, 0, 24));
    });
  });
}
