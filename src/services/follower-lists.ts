import { LRUCache } from 'lru-cache';
import pMap from 'p-map';
import type { FollowerVersions } from '../ports/follower-versions.js';
import type { GraphStore } from '../ports/graph-store.js';

export interface FollowerListSettings {
  /** Followers per page: read from the database, and written to the cache, in batches of this many. */
  pageSize: number;
  /** Follower ids kept in memory in all (8 bytes each); the lists of the authors who posted least lately go first. */
  maxIds: number;
  /** A list longer than this is read page by page each time instead of being kept. */
  maxPerList: number;
}

export const DEFAULT_FOLLOWER_LIST_SETTINGS: FollowerListSettings = {
  pageSize: 1_000,
  maxIds: 4_000_000,
  maxPerList: 500_000,
};

/** Pages of a kept list written at once: each page is a round trip to the cache, and pages do not depend on each other. */
const KEPT_PAGES_AT_ONCE = 4;

/**
 * Authors' follower lists for fanout, kept in this process's memory so an author who posts often is not paged out of
 * the database for every tweet. A kept list is used only while its author's version (see FollowerVersions) is the one
 * it was read under; whoever applies a follow or unfollow moves it first ({@link changed}), in any process.
 */
export function createFollowerLists(
  graph: Pick<GraphStore, 'followerIds'>,
  versions: FollowerVersions,
  settings: FollowerListSettings = DEFAULT_FOLLOWER_LIST_SETTINGS,
) {
  const kept = new LRUCache<bigint, { version: string; ids: BigInt64Array }>({
    maxSize: settings.maxIds,
    sizeCalculation: (list) => Math.max(1, list.ids.length),
  });
  const { pageSize } = settings;

  /** Keyset pages from the database, the next one read while this one is written; returns the ids if few enough. */
  async function fromDatabase(authorId: bigint, write: (ids: bigint[]) => Promise<number>) {
    const after = (page: bigint[]) =>
      page.length < pageSize
        ? Promise.resolve([])
        : graph.followerIds(authorId, page.at(-1) ?? null, pageSize);
    let total = 0;
    let all: bigint[] | null = [];
    let page = await graph.followerIds(authorId, null, pageSize);
    while (page.length > 0) {
      const [written, next] = await Promise.all([write(page), after(page)]);
      total += written;
      if (all) all = all.length + page.length <= settings.maxPerList ? all.concat(page) : null;
      page = next;
    }
    return { total, all };
  }

  return {
    /** Runs `write` over every follower of the author, a page at a time; returns the sum of what it returned. */
    async eachPage(authorId: bigint, write: (ids: bigint[]) => Promise<number>): Promise<number> {
      // The version first: a follow applied after this question is covered by its own merge (see FollowerVersions).
      const version = await versions.current(authorId);
      const list = kept.get(authorId);
      if (list?.version === version) {
        const pages = Array.from({ length: Math.ceil(list.ids.length / pageSize) }, (_, i) =>
          Array.from(list.ids.subarray(i * pageSize, (i + 1) * pageSize)),
        );
        const written = await pMap(pages, write, { concurrency: KEPT_PAGES_AT_ONCE });
        return written.reduce((sum, n) => sum + n, 0);
      }
      const { total, all } = await fromDatabase(authorId, write);
      if (all) kept.set(authorId, { version, ids: BigInt64Array.from(all) });
      return total;
    },

    /** A follow or unfollow of the author is being applied: every process's copy of their list is now stale. */
    async changed(authorId: bigint): Promise<void> {
      kept.delete(authorId);
      await versions.bump(authorId);
    },
  };
}

export type FollowerLists = ReturnType<typeof createFollowerLists>;
