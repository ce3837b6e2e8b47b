import { byIdDesc, type IdWindow, type TimelineEntry } from '../domain/model.js';
import type { AccountStore } from '../ports/account-store.js';
import type { GraphStore } from '../ports/graph-store.js';
import type { TimelineCache } from '../ports/timeline-cache.js';
import type { TweetStore } from '../ports/tweet-store.js';
import { presentInOrder, type TweetView } from './hydrate.js';
import { type Page, refillPage } from './pages.js';

export interface TimelineSettings {
  celebrityThreshold: number;
  /** Entries kept per cached timeline (and loaded by a rebuild). */
  timelineMax: number;
  /** Tweets per followee a rebuild reads at most. */
  rebuildPerAuthor: number;
}

export interface TimelineDeps {
  tweets: TweetStore;
  accounts: AccountStore;
  graph: GraphStore;
  cache: TimelineCache;
  settings: TimelineSettings;
  /** Told of every home read: where its skeleton came from and how long the whole read took. */
  observe?: (read: TimelineRead) => void;
}

export interface TimelineRead {
  /** hit: the cached timeline; miss: rebuilt from the database first; fallback: the cache failed, pulled instead. */
  source: 'hit' | 'miss' | 'fallback';
  seconds: number;
  error?: unknown;
}

/** Newest first, each tweet once, at most `limit`. */
export function mergeEntries(lists: TimelineEntry[][], limit: number): TimelineEntry[] {
  const seen = new Set<bigint>();
  const out: TimelineEntry[] = [];
  for (const entry of lists.flat().sort(byIdDesc)) {
    if (seen.has(entry.tweetId)) continue;
    seen.add(entry.tweetId);
    out.push(entry);
    if (out.length === limit) break;
  }
  return out;
}

/**
 * The home timeline read path: skeleton (cached ids of pushed authors, rebuilt on a miss, merged with the recent ids
 * of followed celebrities) → hydrate (batched) → rules (deleted and unfollowed out) → present, refilled to a full
 * page.
 */
export function createTimelineService(deps: TimelineDeps) {
  const { tweets, graph, cache, settings, observe } = deps;
  const rebuilds = new Map<bigint, Promise<void>>();

  /** One rebuild per reader at a time in this process; concurrent first reads wait for it. */
  function rebuild(readerId: bigint): Promise<void> {
    let running = rebuilds.get(readerId);
    if (!running) {
      running = (async () => {
        // The timeline exists (incomplete) before the query, so a fanout racing the rebuild lands in it.
        await cache.beginRebuild(readerId);
        const { entries, floor } = await tweets.rebuild({
          readerId,
          celebrityThreshold: settings.celebrityThreshold,
          perAuthor: settings.rebuildPerAuthor,
          limit: settings.timelineMax,
        });
        await cache.completeRebuild(readerId, entries, floor);
      })().finally(() => rebuilds.delete(readerId));
      rebuilds.set(readerId, running);
    }
    return running;
  }

  /** Entries of pushed authors (and the reader): from the cache, and below its floor from the database. */
  async function pushedEntries(
    readerId: bigint,
    window: IdWindow,
    read: Omit<TimelineRead, 'seconds'>,
  ): Promise<TimelineEntry[]> {
    let cached: Awaited<ReturnType<TimelineCache['read']>>;
    try {
      cached = await cache.read(readerId, window);
      if (!cached) {
        read.source = 'miss';
        await rebuild(readerId);
        cached = await cache.read(readerId, window);
      }
    } catch (error) {
      read.source = 'fallback';
      read.error = error;
      cached = null;
    }
    // No cache to be had: the pull model answers alone, and stays correct.
    if (!cached) return tweets.home(readerId, window);
    const { entries, floor } = cached;
    if (entries.length >= window.limit || floor === 0n) return entries;
    const before = entries.at(-1)?.tweetId ?? window.before;
    const older = await tweets.home(readerId, { ...window, before, limit: window.limit - entries.length });
    return entries.concat(older);
  }

  return {
    async home(readerId: bigint, window: IdWindow): Promise<Page<TweetView>> {
      const started = performance.now();
      // The first skeleton call decides the source; refills of the same read only go further down the same cache.
      const read: Omit<TimelineRead, 'seconds'> = { source: 'hit' };
      let first = true;
      let celebrities: Promise<bigint[]> | undefined;
      const followedCelebrities = () => {
        celebrities ??= graph.celebritiesFollowedBy(readerId, settings.celebrityThreshold);
        return celebrities;
      };
      const page = await refillPage(
        {
          async skeleton(w) {
            const outcome = first ? read : { ...read };
            first = false;
            const [pushed, pulled] = await Promise.all([
              pushedEntries(readerId, w, outcome),
              followedCelebrities().then((ids) => tweets.byAuthors(ids, w)),
            ]);
            return mergeEntries([pushed, pulled], w.limit);
          },
          async present(ids) {
            const views = await presentInOrder(deps, ids, readerId);
            // A cache may still hold an author the reader just unfollowed: the graph decides.
            const authors = [...new Set(views.map((v) => v.tweet.authorId))].filter((id) => id !== readerId);
            const followed = await graph.followedAmong(readerId, authors);
            return views.filter((v) => v.tweet.authorId === readerId || followed.has(v.tweet.authorId));
          },
        },
        window,
        (v) => v.tweet.id,
      );
      observe?.({ ...read, seconds: (performance.now() - started) / 1_000 });
      return page;
    },
  };
}

export type TimelineService = ReturnType<typeof createTimelineService>;
