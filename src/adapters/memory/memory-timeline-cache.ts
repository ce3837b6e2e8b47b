import { fromOldest, type IdWindow, type TimelineEntry } from '../../domain/model.js';
import type { Clock } from '../../ports/clock.js';
import type { CachedTimeline, TimelineCache } from '../../ports/timeline-cache.js';

export interface TimelineCacheSettings {
  /** Entries kept per timeline; the oldest are trimmed first. */
  maxEntries: number;
  /** How long a timeline lives after its last read. */
  ttlMs: number;
}

interface Timeline {
  /** Newest first, one per tweet id. */
  entries: TimelineEntry[];
  floor: bigint;
  complete: boolean;
  expiresAt: number;
  /** Authors the reader merges at read time. */
  pulled: Set<bigint>;
}

/**
 * The embedded timeline cache: the same rules as the Redis one (exact id order, one entry per tweet, capped, expiry
 * refreshed only by reads, inserts only into timelines that exist), held in this process's memory.
 */
export class MemoryTimelineCache implements TimelineCache {
  private readonly timelines = new Map<bigint, Timeline>();
  /** Per reader, the authors kept out after an unfollow and until when; lives apart from the timeline. */
  private readonly keptOut = new Map<bigint, Map<bigint, number>>();
  /** Operations on one reader's timeline (what would each be a command against Redis): for tests and operators. */
  operations = 0;

  constructor(
    private readonly settings: TimelineCacheSettings,
    private readonly clock: Clock,
  ) {}

  /** The live timeline of a reader, forgetting it if it expired. */
  private live(userId: bigint): Timeline | undefined {
    const timeline = this.timelines.get(userId);
    if (timeline && timeline.expiresAt <= this.clock.now()) {
      this.timelines.delete(userId);
      return undefined;
    }
    return timeline;
  }

  async read(userId: bigint, window: IdWindow): Promise<CachedTimeline | null> {
    const timeline = this.live(userId);
    if (!timeline?.complete) return null;
    timeline.expiresAt = this.clock.now() + this.settings.ttlMs;
    const all = timeline.entries;
    const start = window.before === undefined ? 0 : positionOf(all, window.before - 1n);
    const stop = window.after === undefined ? all.length : positionOf(all, window.after);
    const from = fromOldest(window) ? Math.max(start, stop - window.limit) : start;
    const entries = all.slice(from, Math.max(from, Math.min(stop, from + window.limit)));
    return { entries, floor: timeline.floor, pulled: [...timeline.pulled] };
  }

  /** Whether the reader keeps the author out now. */
  private isKeptOut(userId: bigint, authorId: bigint): boolean {
    const until = this.keptOut.get(userId)?.get(authorId);
    return until !== undefined && until > this.clock.now();
  }

  /** Milliseconds before the reader's timeline expires, or null if there is none (for operators and tests). */
  ttlRemaining(userId: bigint): number | null {
    const timeline = this.live(userId);
    return timeline ? timeline.expiresAt - this.clock.now() : null;
  }

  async beginRebuild(userId: bigint): Promise<void> {
    if (this.live(userId)) return;
    this.timelines.set(userId, {
      entries: [],
      floor: 0n,
      complete: false,
      expiresAt: this.clock.now() + this.settings.ttlMs,
      pulled: new Set(),
    });
  }

  async completeRebuild(
    userId: bigint,
    entries: readonly TimelineEntry[],
    floor: bigint,
    pulled: readonly bigint[] = [],
  ): Promise<void> {
    const timeline = this.live(userId);
    if (!timeline) return;
    for (const entry of entries) if (!this.isKeptOut(userId, entry.authorId)) add(timeline, entry);
    for (const authorId of pulled) if (!this.isKeptOut(userId, authorId)) timeline.pulled.add(authorId);
    timeline.floor = floor > timeline.floor ? floor : timeline.floor;
    timeline.entries = timeline.entries.filter((e) => e.tweetId >= timeline.floor);
    timeline.complete = true;
    timeline.expiresAt = this.clock.now() + this.settings.ttlMs;
    this.trim(timeline);
  }

  async activeAmong(userIds: readonly bigint[]): Promise<bigint[]> {
    return [...new Set(userIds)].filter((userId) => this.live(userId) !== undefined);
  }

  async insert(userIds: readonly bigint[], entry: TimelineEntry): Promise<number> {
    let inserted = 0;
    for (const userId of userIds) {
      const timeline = this.live(userId);
      if (!timeline) continue;
      this.operations += 1;
      if (entry.tweetId < timeline.floor || this.isKeptOut(userId, entry.authorId)) continue;
      add(timeline, entry);
      this.trim(timeline);
      inserted += 1;
    }
    return inserted;
  }

  async merge(userId: bigint, entries: readonly TimelineEntry[], floor: bigint): Promise<void> {
    const timeline = this.live(userId);
    if (!timeline) return;
    if (floor > timeline.floor) {
      timeline.floor = floor;
      timeline.entries = timeline.entries.filter((e) => e.tweetId >= floor);
    }
    for (const entry of entries) {
      if (entry.tweetId >= timeline.floor && !this.isKeptOut(userId, entry.authorId)) add(timeline, entry);
    }
    this.trim(timeline);
  }

  async remove(userIds: readonly bigint[], tweetId: bigint): Promise<void> {
    for (const userId of userIds) {
      const timeline = this.live(userId);
      if (!timeline) continue;
      this.operations += 1;
      timeline.entries = timeline.entries.filter((e) => e.tweetId !== tweetId);
    }
  }

  async setPulled(userIds: readonly bigint[], authorId: bigint, pulled: boolean): Promise<void> {
    for (const userId of userIds) {
      const timeline = this.live(userId);
      if (!timeline) continue;
      if (pulled) timeline.pulled.add(authorId);
      else timeline.pulled.delete(authorId);
    }
  }

  async unfollowed(userId: bigint, authorId: bigint): Promise<void> {
    const kept = this.keptOut.get(userId) ?? new Map<bigint, number>();
    kept.set(authorId, this.clock.now() + this.settings.ttlMs);
    this.keptOut.set(userId, kept);
    const timeline = this.live(userId);
    if (!timeline) return;
    timeline.pulled.delete(authorId);
    timeline.entries = timeline.entries.filter((e) => e.authorId !== authorId);
  }

  async followed(userId: bigint, authorId: bigint, pulled: boolean): Promise<void> {
    const kept = this.keptOut.get(userId);
    kept?.delete(authorId);
    if (kept?.size === 0) this.keptOut.delete(userId);
    await this.setPulled([userId], authorId, pulled);
  }

  async forget(userId: bigint): Promise<void> {
    this.timelines.delete(userId);
  }

  async clear(): Promise<void> {
    this.timelines.clear();
    this.keptOut.clear();
  }

  async close(): Promise<void> {
    await this.clear();
  }

  /** Keeps the newest `maxEntries`; what is trimmed raises the floor, so readers know to look further down. */
  private trim(timeline: Timeline): void {
    if (timeline.entries.length <= this.settings.maxEntries) return;
    timeline.entries.length = this.settings.maxEntries;
    const oldestKept = timeline.entries.at(-1);
    if (oldestKept) timeline.floor = oldestKept.tweetId;
  }
}

/** Index of the first entry with an id at or below `id` (entries are newest first). */
function positionOf(entries: readonly TimelineEntry[], id: bigint): number {
  let lo = 0;
  let hi = entries.length;
  while (lo < hi) {
    const mid = (lo + hi) >>> 1;
    if ((entries[mid] as TimelineEntry).tweetId > id) lo = mid + 1;
    else hi = mid;
  }
  return lo;
}

/** Inserts in id order; a tweet already present is left as it is (a sorted-set add of the same member). */
function add(timeline: Timeline, entry: TimelineEntry): void {
  const at = positionOf(timeline.entries, entry.tweetId);
  if (timeline.entries[at]?.tweetId === entry.tweetId) return;
  timeline.entries.splice(at, 0, entry);
}
