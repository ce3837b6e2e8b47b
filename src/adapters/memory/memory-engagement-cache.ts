import type { Clock } from '../../ports/clock.js';
import type { EngagementCache, TweetCounters, ViewerEngagement } from '../../ports/engagement-cache.js';

export interface EngagementCacheSettings {
  /** Counters kept at most (the oldest written go first). */
  maxCounters: number;
  /** How long counters are kept after they were written. */
  countersTtlMs: number;
  /** How long a viewer's state is kept after it was loaded or changed. */
  viewerTtlMs: number;
}

interface Viewer {
  /** Exact for tweets from this id on, once loaded. */
  from: bigint | null;
  liked: Set<bigint>;
  retweeted: Set<bigint>;
  /** Undone since the state began: a load must not bring them back. */
  undone: { liked: Set<bigint>; retweeted: Set<bigint> };
  expiresAt: number;
}

/** The embedded engagement cache: the same rules as the Redis one, in this process's memory. */
export class MemoryEngagementCache implements EngagementCache {
  private readonly copies = new Map<bigint, { counters: TweetCounters; expiresAt: number }>();
  private readonly viewers = new Map<bigint, Viewer>();

  constructor(
    private readonly settings: EngagementCacheSettings,
    private readonly clock: Clock,
  ) {}

  async counters(ids: readonly bigint[]): Promise<Map<bigint, TweetCounters>> {
    const out = new Map<bigint, TweetCounters>();
    const now = this.clock.now();
    for (const id of ids) {
      const copy = this.copies.get(id);
      if (copy && copy.expiresAt > now) out.set(id, { ...copy.counters });
    }
    return out;
  }

  async putCounters(copies: readonly TweetCounters[]): Promise<void> {
    const now = this.clock.now();
    for (const counters of copies) {
      const held = this.copies.get(counters.tweetId);
      if (held && held.expiresAt > now && held.counters.version >= counters.version) continue;
      this.copies.delete(counters.tweetId);
      this.copies.set(counters.tweetId, {
        counters: { ...counters },
        expiresAt: now + this.settings.countersTtlMs,
      });
    }
    for (const id of this.copies.keys()) {
      if (this.copies.size <= this.settings.maxCounters) break;
      this.copies.delete(id);
    }
  }

  private live(viewerId: bigint): Viewer | undefined {
    const viewer = this.viewers.get(viewerId);
    if (viewer && viewer.expiresAt <= this.clock.now()) {
      this.viewers.delete(viewerId);
      return undefined;
    }
    return viewer;
  }

  async viewer(viewerId: bigint, ids: readonly bigint[]): Promise<ViewerEngagement> {
    const out: ViewerEngagement = { known: new Set(), liked: new Set(), retweeted: new Set() };
    const viewer = this.live(viewerId);
    if (viewer?.from == null) return out;
    for (const id of ids) {
      if (id < viewer.from) continue;
      out.known.add(id);
      if (viewer.liked.has(id)) out.liked.add(id);
      if (viewer.retweeted.has(id)) out.retweeted.add(id);
    }
    return out;
  }

  async beginViewer(viewerId: bigint): Promise<void> {
    if (this.live(viewerId)) return;
    this.viewers.set(viewerId, {
      from: null,
      liked: new Set(),
      retweeted: new Set(),
      undone: { liked: new Set(), retweeted: new Set() },
      expiresAt: this.clock.now() + this.settings.viewerTtlMs,
    });
  }

  async loadViewer(viewerId: bigint, from: bigint, liked: readonly bigint[], retweeted: readonly bigint[]) {
    const viewer = this.live(viewerId);
    if (!viewer) return;
    for (const id of liked) if (!viewer.undone.liked.has(id)) viewer.liked.add(id);
    for (const id of retweeted) if (!viewer.undone.retweeted.has(id)) viewer.retweeted.add(id);
    viewer.from = viewer.from === null || from < viewer.from ? from : viewer.from;
    viewer.expiresAt = this.clock.now() + this.settings.viewerTtlMs;
  }

  async setViewer(
    viewerId: bigint,
    tweetId: bigint,
    what: 'liked' | 'retweeted',
    on: boolean,
  ): Promise<void> {
    const viewer = this.live(viewerId);
    if (!viewer) return;
    if (on) {
      viewer[what].add(tweetId);
      viewer.undone[what].delete(tweetId);
    } else {
      viewer[what].delete(tweetId);
      viewer.undone[what].add(tweetId);
    }
  }

  async clear(): Promise<void> {
    this.copies.clear();
    this.viewers.clear();
  }

  async close(): Promise<void> {
    await this.clear();
  }
}
