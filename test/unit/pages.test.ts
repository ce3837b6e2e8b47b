import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { type IdWindow, pageOf } from '../../src/domain/model.js';
import { type Page, refillPage, toPage } from '../../src/services/pages.js';

/** Entries with ids 1..n (the skeleton's keys), some of which the present step drops. */
function source(n: number, hidden: (id: bigint) => boolean = () => false) {
  const all = Array.from({ length: n }, (_, i) => ({ tweetId: BigInt(n - i) })); // newest first
  const asked: IdWindow[] = [];
  return {
    asked,
    skeleton: async (window: IdWindow) => {
      asked.push(window);
      return pageOf(all, window);
    },
    present: async (entries: { tweetId: bigint }[]) =>
      entries.filter((e) => !hidden(e.tweetId)).map((e) => ({ id: e.tweetId })),
  };
}
const idOf = (item: { id: bigint }) => item.id;
const keys = (page: Page<{ id: bigint }>) => page.items.map(idOf);
const range = (from: number, to: number) =>
  Array.from({ length: Math.max(0, to - from + 1) }, (_, i) => BigInt(to - i)); // newest first

describe('toPage', () => {
  const fetched = range(1, 5).map((id) => ({ id })); // asked with limit + 1 = 5, newest first

  it('from the newest end keeps the newest `limit`; the extra one only says an older page exists', () => {
    const page = toPage(fetched, { limit: 4 }, idOf);
    expect(keys(page)).toEqual(range(2, 5));
    expect(page).toMatchObject({ next: 2n, prev: 5n });
    expect(toPage(fetched.slice(1), { limit: 4 }, idOf)).toMatchObject({ next: null, prev: 4n });
  });

  it('from the oldest end keeps the oldest `limit`, listed newest first; the extra one is beyond the page', () => {
    const window: IdWindow = { after: 0n, limit: 4, from: 'oldest' };
    const page = toPage(fetched, window, idOf);
    expect(keys(page)).toEqual(range(1, 4));
    // Newer items are asked for above the page's newest; older ones below its oldest (what lies under `after`).
    expect(page).toMatchObject({ prev: 4n, next: 1n });
    const short = toPage(fetched.slice(3), window, idOf);
    expect(keys(short)).toEqual([2n, 1n]);
    expect(short).toMatchObject({ prev: 2n, next: 1n });
    expect(toPage([], window, idOf)).toEqual({ items: [], next: null, prev: null });
  });
});

describe('refillPage from the oldest end', () => {
  it('takes the `limit` entries right above `after` in one read when nothing is dropped', async () => {
    const src = source(10);
    const page = await refillPage(src, { after: 3n, limit: 3, from: 'oldest' }, idOf);
    expect(keys(page)).toEqual([6n, 5n, 4n]);
    expect(page).toMatchObject({ prev: 6n, next: 4n });
    expect(src.asked).toEqual([{ after: 3n, before: undefined, limit: 4, from: 'oldest' }]);
  });

  it('refills upwards when the present step drops entries, skipping nothing and repeating nothing', async () => {
    const src = source(10, (id) => id === 4n || id === 5n);
    const page = await refillPage(src, { after: 3n, limit: 3, from: 'oldest' }, idOf);
    expect(keys(page)).toEqual([8n, 7n, 6n]);
    expect(page).toMatchObject({ prev: 8n, next: 6n });
    // The second read starts above the newest entry the first examined, with a doubled batch, at the same end.
    expect(src.asked).toEqual([
      { after: 3n, before: undefined, limit: 4, from: 'oldest' },
      { after: 7n, before: undefined, limit: 8, from: 'oldest' },
    ]);
    // Catching up from the page's newest goes on where it ended.
    const rest = await refillPage(src, { after: page.prev as bigint, limit: 3, from: 'oldest' }, idOf);
    expect(keys(rest)).toEqual([10n, 9n]);
  });

  it('keeps within `before` and stops when the source runs out', async () => {
    const src = source(20, (id) => id % 2n === 0n);
    const page = await refillPage(src, { after: 2n, before: 12n, limit: 10, from: 'oldest' }, idOf);
    expect(keys(page)).toEqual([11n, 9n, 7n, 5n, 3n]);
    expect(page).toMatchObject({ prev: 11n, next: 3n });
    expect(src.asked.every((w) => w.before === 12n && w.from === 'oldest')).toBe(true);
  });

  it('serves a short page after its rounds, with prev past everything examined, so catching up goes on', async () => {
    // 300 dropped entries right above `after`: more than the rounds examine (4 + 8 + … + 128 = 252).
    const src = source(310, (id) => id <= 300n);
    const page = await refillPage(src, { after: 0n, limit: 3, from: 'oldest' }, idOf);
    expect(page.items).toEqual([]);
    expect(src.asked).toHaveLength(6);
    expect(page.prev).toBe(252n);
    const next = await refillPage(src, { after: page.prev as bigint, limit: 3, from: 'oldest' }, idOf);
    expect(keys(next)).toEqual([303n, 302n, 301n]);
  });
});

describe('refillPage from the newest end', () => {
  it('serves a short page after its rounds, with next below everything examined', async () => {
    const src = source(310, (id) => id > 10n);
    const page = await refillPage(src, { limit: 3 }, idOf);
    expect(page.items).toEqual([]);
    expect(page.next).toBe(59n); // 310 - 252 + 1: the oldest id examined
    const next = await refillPage(src, { before: page.next as bigint, limit: 3 }, idOf);
    expect(keys(next)).toEqual([10n, 9n, 8n]);
  });
});

describe('paging through a refilled list (property)', () => {
  // Runs of dropped and kept entries, oldest first; long dropped runs make some pages come back short.
  const cases = fc
    .record({
      runs: fc.array(fc.record({ dropped: fc.nat(200), kept: fc.nat(4) }), { maxLength: 5 }),
      limit: fc.integer({ min: 1, max: 8 }),
    })
    .map(({ runs, limit }) => {
      const hidden = runs.flatMap((run) => [
        ...Array.from({ length: run.dropped }, () => true),
        ...Array.from({ length: run.kept }, () => false),
      ]);
      return { n: hidden.length, hidden, limit };
    });

  /** A page comes back short of what there is only when every round of refilling was spent. */
  const expectRoundsSpent = (reads: number) => expect(reads).toBe(6);

  it('from either end, every shown entry comes exactly once, each page the nearest ones to where it starts', async () => {
    await fc.assert(
      fc.asyncProperty(cases, async ({ n, hidden, limit }) => {
        const isHidden = (id: bigint) => hidden[Number(id) - 1] === true;
        const shown = range(1, n).filter((id) => !isHidden(id));
        const src = source(n, isHidden);

        // Paging down with `next` (max_id): each page the shown entries right below where it starts.
        const down: bigint[] = [];
        let before: bigint | undefined;
        for (let guard = 0; guard <= n + 1; guard++) {
          const reads = src.asked.length;
          const page = await refillPage(src, { before, limit }, idOf);
          const below = shown.filter((id) => before === undefined || id < before);
          expect(keys(page)).toEqual(below.slice(0, page.items.length));
          if (page.items.length < Math.min(limit, below.length)) expectRoundsSpent(src.asked.length - reads);
          down.push(...keys(page));
          if (page.next === null) break;
          before = page.next;
        }
        expect(down).toEqual(shown);

        // Catching up with `prev` (min_id) from below everything: each page the shown entries right above it.
        const pages: bigint[][] = [];
        let after = 0n;
        for (let guard = 0; guard <= n + 1; guard++) {
          const reads = src.asked.length;
          const page = await refillPage(src, { after, limit, from: 'oldest' }, idOf);
          const above = shown.filter((id) => id > after);
          expect(keys(page)).toEqual(above.slice(above.length - page.items.length));
          if (page.items.length < Math.min(limit, above.length)) expectRoundsSpent(src.asked.length - reads);
          pages.push(keys(page));
          if (page.prev === null) break;
          after = page.prev;
        }
        expect(pages.reverse().flat()).toEqual(shown);
      }),
      { numRuns: 300 },
    );
  });
});
