import { byIdDesc, fromOldest, type IdWindow, pageOf, type TimelineEntry } from '../domain/model.js';
import { SNOWFLAKE_EPOCH_MS, snowflakeAt } from '../domain/snowflake.js';
import type { Clock } from '../ports/clock.js';
import { boundedFloor, type RecentTweetLists, type TimelineCache } from '../ports/timeline-cache.js';
import { type HydrateDeps, type TweetView, tweetPage } from './hydrate.js';
import type { Page } from './pages.js';
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
  /** Home timelines of active readers (pushed authors and the reader's own tweets), each with its pulled authors. */
  timelines: TimelineCache;
  /** Each celebrity's recent tweets, merged by readers at read time. */
  celebrityLists: RecentTweetLists;
  settings: TimelineSettings;
  clock: Clock;
  /** Told of every home read: where its skeleton came from and how long the whole read took. */
  observe?: (read: TimelineRead) => void;
}

/**
 * A rebuild also loads the reader's likes and retweets of tweets from this long ago on into the engagement cache; an
 * older tweet's flags are asked of the database.
 */
const ENGAGEMENT_WINDOW_MS = 7 * 86_400_000;

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

/**
 * A cached list (a reader's timeline or a celebrity's recent tweets), where it comes from when it is missing, and what
 * answers below its floor or when the cache fails.
 */
interface ListSource {
  /** Names the list's rebuilds apart from the other kind's, for the single flight. */
  kind: 'home' | 'celebrity';
  list: {
    read(
      key: bigint,
      window: IdWindow,
    ): Promise<{ entries: TimelineEntry[]; floor: bigint; pulled?: bigint[] } | null>;
    beginRebuild(key: bigint): Promise<void>;
  };
  /** Loads the list from the source of truth and completes it in the cache. */
  rebuild(): Promise<void>;
  /** The window from the database alone: for a home timeline, the pull model, pulled authors included. */
  fromDatabase(window: IdWindow): Promise<TimelineEntry[]>;
}

/** A window of a list, and the authors whose lists a reader merges with it (none when it came from the database). */
interface ListWindow {
  entries: TimelineEntry[];
  pulled: bigint[];
}

/**
 * The home timeline read path: skeleton (cached ids of pushed authors, rebuilt on a miss, merged with the recent ids
 * of the authors the reader pulls, which the cached timeline names) → hydrate (batched) → rules (deleted out) →
 * present, refilled to a full page. An unfollow clears the cached timeline before it answers (see
 * TimelineCache.unfollowed), so the read asks the graph nothing.
 */
export function createTimelineService(deps: TimelineDeps) {
  const { tweets, timelines, celebrityLists, settings, observe, clock, engagementCache } = deps;
  const rebuilds = createSingleFlight<string, void>();

  /**
   * A window of a cached list (a reader's timeline or a celebrity's recent tweets): rebuilt once on a miss (one
   * rebuild per key at a time in this process), completed from the database below the list's floor, and answered by
   * the database alone when the cache fails — the cache is an optimisation, never the truth.
   */
  async function cachedWindow(
    key: bigint,
    window: IdWindow,
    source: ListSource,
    read: Omit<TimelineRead, 'seconds'>,
  ): Promise<ListWindow> {
    const { list } = source;
    let cached: Awaited<ReturnType<ListSource['list']['read']>>;
    try {
      cached = await list.read(key, window);
      if (!cached) {
        if (read.source === 'hit') read.source = 'miss';
        await rebuilds.run(`${source.kind}:${key}`, async () => {
          // The list exists (incomplete) before the query, so fanout racing the rebuild lands in it.
          await list.beginRebuild(key);
          await source.rebuild();
        });
        cached = await list.read(key, window);
      }
    } catch (error) {
      read.source = 'fallback';
      read.error = error;
      cached = null;
    }
    if (!cached) return { entries: await source.fromDatabase(window), pulled: [] };
    const { entries, floor, pulled = [] } = cached;
    // Taken from the oldest end, the page starts at `after`: the cache answers only if it holds everything above it.
    if (fromOldest(window)) {
      const complete = floor === 0n || (window.after !== undefined && window.after >= floor);
      return { entries: complete ? entries : await source.fromDatabase(window), pulled };
    }
    if (entries.length >= window.limit || floor === 0n) return { entries, pulled };
    const before = entries.at(-1)?.tweetId ?? window.before;
    const older = await source.fromDatabase({ ...window, before, limit: window.limit - entries.length });
    return { entries: entries.concat(older), pulled };
  }

  const homeSource = (readerId: bigint): ListSource => ({
    kind: 'home',
    list: timelines,
    async rebuild() {
      const from = snowflakeAt(Math.max(SNOWFLAKE_EPOCH_MS, clock.now() - ENGAGEMENT_WINDOW_MS));
      // The reader's engagement state exists before the query, so a like made while it runs is kept.
      await engagementCache?.beginViewer(readerId);
      const rebuilt = await tweets.rebuild({
        readerId,
        perAuthor: settings.rebuildPerAuthor,
        limit: settings.timelineMax,
        engagementFrom: from,
      });
      await engagementCache?.loadViewer(readerId, from, rebuilt.liked, rebuilt.retweeted);
      await timelines.completeRebuild(readerId, rebuilt.entries, rebuilt.floor, rebuilt.pulled);
    },
    fromDatabase: (window) => tweets.home(readerId, window),
  });

  const celebritySource = (authorId: bigint): ListSource => ({
    kind: 'celebrity',
    list: celebrityLists,
    async rebuild() {
      const entries = await tweets.byAuthors([authorId], { limit: settings.celebrityListMax });
      await celebrityLists.completeRebuild(
        authorId,
        entries,
        boundedFloor(entries, settings.celebrityListMax),
      );
    },
    fromDatabase: (window) => tweets.byAuthors([authorId], window),
  });

  return {
    async home(readerId: bigint, window: IdWindow): Promise<Page<TweetView>> {
      const started = performance.now();
      // The first skeleton call decides the source; refills of the same read only go further down the same lists.
      const read: Omit<TimelineRead, 'seconds'> = { source: 'hit' };
      let first = true;
      const page = await tweetPage(
        deps,
        async (w) => {
          const outcome = first ? read : { ...read };
          first = false;
          // The reader's timeline names the authors they pull; their lists are read at once (against Redis, in
          // one pipelined round trip per node).
          const home = await cachedWindow(readerId, w, homeSource(readerId), outcome);
          const lists = await Promise.all(
            home.pulled.map(async (authorId) => {
              return (await cachedWindow(authorId, w, celebritySource(authorId), { ...outcome })).entries;
            }),
          );
          return mergeEntries([home.entries, ...lists], w);
        },
        window,
        readerId,
      );
      observe?.({ ...read, seconds: (performance.now() - started) / 1_000 });
      return page;
    },
  };
}

export type TimelineService = ReturnType<typeof createTimelineService>;
