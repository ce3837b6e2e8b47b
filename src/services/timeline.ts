import { byIdDesc, fromOldest, type IdWindow, pageOf, type TimelineEntry } from '../domain/model.js';
import type { GraphStore } from '../ports/graph-store.js';
import type { TimelineCache } from '../ports/timeline-cache.js';
import type { CelebrityDirectory } from './celebrities.js';
import { type HydrateDeps, presentInOrder, type TweetView } from './hydrate.js';
import { type Page, refillPage } from './pages.js';
import { createSingleFlight } from './single-flight.js';

export interface TimelineSettings {
  /** Entries kept per cached timeline (and loaded by a rebuild). */
  timelineMax: number;
  /** Tweets per followee a rebuild reads at most. */
  rebuildPerAuthor: number;
  /** Entries kept in a celebrity's recent-tweets list. */
  celebrityListMax: number;
}

export interface TimelineDeps extends HydrateDeps {
  graph: GraphStore;
  /** Home timelines of active readers (pushed authors and the reader's own tweets). */
  cache: TimelineCache;
  /** Each celebrity's recent tweets, merged by readers at read time. */
  celebrityLists: TimelineCache;
  celebrities: CelebrityDirectory;
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

/** Each tweet once, newest first: the window's page of the lists merged (each list holds at least that page). */
export function mergeEntries(lists: TimelineEntry[][], window: IdWindow): TimelineEntry[] {
  const seen = new Set<bigint>();
  const merged: TimelineEntry[] = [];
  for (const entry of lists.flat().sort(byIdDesc)) {
    if (seen.has(entry.tweetId)) continue;
    seen.add(entry.tweetId);
    merged.push(entry);
  }
  return pageOf(merged, window);
}

/** Where a cached list comes from when it is missing, and what answers below its floor or when the cache fails. */
interface ListSource {
  rebuild(): Promise<{ entries: TimelineEntry[]; floor: bigint }>;
  fromDatabase(window: IdWindow): Promise<TimelineEntry[]>;
}

/**
 * The home timeline read path: skeleton (cached ids of pushed authors, rebuilt on a miss, merged with the recent ids
 * of followed celebrities) → hydrate (batched) → rules (deleted and unfollowed out) → present, refilled to a full
 * page.
 */
export function createTimelineService(deps: TimelineDeps) {
  const { tweets, graph, cache, celebrityLists, celebrities, settings, observe } = deps;
  const rebuilds = createSingleFlight<string, void>();

  /**
   * A window of a cached list (a reader's timeline or a celebrity's recent tweets): rebuilt once on a miss (one
   * rebuild per key at a time in this process), completed from the database below the list's floor, and answered by
   * the database alone when the cache fails — the cache is an optimisation, never the truth.
   */
  async function cachedWindow(
    list: TimelineCache,
    key: bigint,
    window: IdWindow,
    source: ListSource,
    read: Omit<TimelineRead, 'seconds'>,
  ): Promise<TimelineEntry[]> {
    let cached: Awaited<ReturnType<TimelineCache['read']>>;
    try {
      cached = await list.read(key, window);
      if (!cached) {
        if (read.source === 'hit') read.source = 'miss';
        await rebuilds.run(`${list === cache ? 'home' : 'celebrity'}:${key}`, async () => {
          // The list exists (incomplete) before the query, so fanout racing the rebuild lands in it.
          await list.beginRebuild(key);
          const { entries, floor } = await source.rebuild();
          await list.completeRebuild(key, entries, floor);
        });
        cached = await list.read(key, window);
      }
    } catch (error) {
      read.source = 'fallback';
      read.error = error;
      cached = null;
    }
    if (!cached) return source.fromDatabase(window);
    const { entries, floor } = cached;
    // Taken from the oldest end, the page starts at `after`: the cache answers only if it holds everything above it.
    if (fromOldest(window)) {
      const complete = floor === 0n || (window.after !== undefined && window.after >= floor);
      return complete ? entries : source.fromDatabase(window);
    }
    if (entries.length >= window.limit || floor === 0n) return entries;
    const before = entries.at(-1)?.tweetId ?? window.before;
    return entries.concat(
      await source.fromDatabase({ ...window, before, limit: window.limit - entries.length }),
    );
  }

  const homeSource = (readerId: bigint): ListSource => ({
    rebuild: () =>
      tweets.rebuild({ readerId, perAuthor: settings.rebuildPerAuthor, limit: settings.timelineMax }),
    fromDatabase: (window) => tweets.home(readerId, window),
  });

  const celebritySource = (authorId: bigint): ListSource => ({
    async rebuild() {
      const entries = await tweets.byAuthors([authorId], { limit: settings.celebrityListMax });
      const full = entries.length === settings.celebrityListMax;
      return { entries, floor: full ? (entries.at(-1)?.tweetId ?? 0n) : 0n };
    },
    fromDatabase: (window) => tweets.byAuthors([authorId], window),
  });

  return {
    async home(readerId: bigint, window: IdWindow): Promise<Page<TweetView>> {
      const started = performance.now();
      // The first skeleton call decides the source; refills of the same read only go further down the same lists.
      const read: Omit<TimelineRead, 'seconds'> = { source: 'hit' };
      let first = true;
      const page = await refillPage(
        {
          async skeleton(w) {
            const outcome = first ? read : { ...read };
            first = false;
            const followed = await celebrities.followedBy(readerId);
            // Every list is read at once; against Redis the commands share one pipelined round trip per node.
            const lists = await Promise.all([
              cachedWindow(cache, readerId, w, homeSource(readerId), outcome),
              ...followed.map((authorId) =>
                cachedWindow(celebrityLists, authorId, w, celebritySource(authorId), { ...outcome }),
              ),
            ]);
            return mergeEntries(lists, w);
          },
          async present(entries) {
            // A cache may still hold an author the reader just unfollowed: the graph decides. Each entry names its
            // author (the retweeter, for a retweet), so that question is asked while the page is hydrated.
            const authors = [...new Set(entries.map((e) => e.authorId))].filter((id) => id !== readerId);
            const [views, following] = await Promise.all([
              presentInOrder(
                deps,
                entries.map((e) => e.tweetId),
                readerId,
              ),
              graph.followedAmong(readerId, authors),
            ]);
            return views.filter((v) => v.tweet.authorId === readerId || following.has(v.tweet.authorId));
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
