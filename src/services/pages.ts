import { fromOldest, type IdWindow } from '../domain/model.js';

/**
 * A page of items, newest first; where the next (older) page starts — the exclusive upper bound to ask with, or null
 * when nothing older is left —; and the key of its newest item, from which newer items are asked for (null when
 * empty). Keys are the ids the list is ordered by. The HTTP layer turns both into links.
 */
export interface Page<T> {
  items: T[];
  next: bigint | null;
  prev: bigint | null;
}

const keyOf = <T>(item: T | undefined, idOf: (item: T) => bigint) => (item === undefined ? null : idOf(item));

/**
 * Cuts `fetched` (asked for with `limit + 1`, newest first) to a page. From the newest end the extra item only tells
 * that an older page exists, so `next` is null exactly when nothing older is left. From the oldest end the extra one
 * is the newest, beyond the page; what is older than the page lies below the window, so the next page starts at the
 * page's last item.
 */
export function toPage<T>(fetched: T[], window: IdWindow, idOf: (item: T) => bigint): Page<T> {
  const { limit } = window;
  if (fromOldest(window)) {
    const items = fetched.slice(Math.max(0, fetched.length - limit));
    return { items, next: keyOf(items.at(-1), idOf), prev: keyOf(items[0], idOf) };
  }
  const items = fetched.slice(0, limit);
  const last = items.at(-1);
  return {
    items,
    next: fetched.length > limit && last !== undefined ? idOf(last) : null,
    prev: keyOf(items[0], idOf),
  };
}

/** Rounds of refilling before a short page is returned with a cursor to carry on from. */
const MAX_REFILL_ROUNDS = 6;

export interface RefillSource<T, E extends { tweetId: bigint } = { tweetId: bigint }> {
  /** Up to `window.limit` entries at the window's chosen end, newest first; fewer means there are no more. */
  skeleton(window: IdWindow): Promise<E[]>;
  /** Hydrates and filters a batch of the skeleton's entries, keeping their order; may drop some. */
  present(entries: E[]): Promise<T[]>;
}

/**
 * Fills a keyset page even when filtering drops entries: asks the skeleton for more (doubling each round) until the
 * page is full or the source is exhausted, moving away from the end the page is taken from. The cursor is the last id
 * examined, so nothing is skipped or repeated.
 */
export async function refillPage<T, E extends { tweetId: bigint }>(
  source: RefillSource<T, E>,
  window: IdWindow,
  idOf: (item: T) => bigint,
): Promise<Page<T>> {
  const want = window.limit + 1;
  const oldest = fromOldest(window);
  // From the oldest end, rounds move upwards and each round's items are newer than the last round's.
  let out: T[] = [];
  let { before, after } = window;
  let batch = want;
  for (let round = 0; round < MAX_REFILL_ROUNDS; round++) {
    const entries = await source.skeleton({ before, after, limit: batch, from: window.from });
    const shown = await source.present(entries);
    out = oldest ? [...shown, ...out] : [...out, ...shown];
    if (out.length >= want) return toPage(out, window, idOf);
    const edge = oldest ? entries[0] : entries.at(-1);
    if (entries.length < batch || edge === undefined) {
      return oldest ? toPage(out, window, idOf) : { items: out, next: null, prev: keyOf(out[0], idOf) };
    }
    if (oldest) after = edge.tweetId;
    else before = edge.tweetId;
    batch *= 2;
  }
  // Still short after the rounds: what was found is served, with a cursor past everything examined (above it when
  // catching up, so a page that found nothing still leads on).
  if (oldest) return { ...toPage(out, window, idOf), prev: after ?? null };
  return { items: out, next: before ?? null, prev: keyOf(out[0], idOf) };
}
