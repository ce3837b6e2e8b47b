/** A page of items and the id of the last one when more may follow (the HTTP layer makes it a cursor). */
export interface Page<T> {
  items: T[];
  next: bigint | null;
}

/**
 * Cuts `fetched` (asked for with `limit + 1`) to a page: the extra item only tells that another page exists, so
 * `next` is null exactly when nothing older is left.
 */
export function toPage<T>(fetched: T[], limit: number, idOf: (item: T) => bigint): Page<T> {
  const items = fetched.slice(0, limit);
  const last = items.at(-1);
  return { items, next: fetched.length > limit && last !== undefined ? idOf(last) : null };
}

/** Rounds of refilling before a short page is returned with a cursor to carry on from. */
const MAX_REFILL_ROUNDS = 6;

export interface RefillSource<T, E extends { tweetId: bigint } = { tweetId: bigint }> {
  /** Up to `window.limit` entries, newest first; fewer means there are no more. */
  skeleton(window: { before?: bigint | undefined; after?: bigint | undefined; limit: number }): Promise<E[]>;
  /** Hydrates and filters a batch of the skeleton's entries, keeping their order; may drop some. */
  present(entries: E[]): Promise<T[]>;
}

/**
 * Fills a keyset page even when filtering drops entries: asks the skeleton for more (doubling each round) until the
 * page is full or the source is exhausted. The cursor is the last id examined, so nothing is skipped or repeated.
 */
export async function refillPage<T, E extends { tweetId: bigint }>(
  source: RefillSource<T, E>,
  window: { before?: bigint | undefined; after?: bigint | undefined; limit: number },
  idOf: (item: T) => bigint,
): Promise<Page<T>> {
  const want = window.limit + 1;
  const out: T[] = [];
  let before = window.before;
  let batch = want;
  for (let round = 0; round < MAX_REFILL_ROUNDS; round++) {
    const entries = await source.skeleton({ before, after: window.after, limit: batch });
    out.push(...(await source.present(entries)));
    const last = entries.at(-1);
    if (out.length >= want) return toPage(out, window.limit, idOf);
    if (entries.length < batch || last === undefined) return { items: out, next: null };
    before = last.tweetId;
    batch *= 2;
  }
  // Still short after the rounds: what was found is served, with a cursor below everything examined.
  return { items: out, next: before ?? null };
}
