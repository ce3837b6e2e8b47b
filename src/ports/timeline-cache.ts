import type { IdWindow, TimelineEntry } from '../domain/model.js';

export interface CachedTimeline {
  /** Entries in the window, newest first. */
  entries: TimelineEntry[];
  /**
   * The cache holds every entry with an id at or above `floor`; older ones may be missing (trimmed, or beyond what
   * a rebuild loaded) and must come from the source of truth. `0n` means the cache holds the whole timeline.
   */
  floor: bigint;
  /**
   * Authors the reader follows whose tweets the reader merges at read time (celebrities, and authors crossing the
   * threshold either way): kept beside the timeline by fanout, the follow path and rebuilds, so a read asks no one else.
   */
  pulled: bigint[];
}

/**
 * Cached home timelines, one ordered list per reader: entries ordered exactly by tweet id,
 * each at most once, capped at the configured size (oldest trimmed first). A timeline exists only for a reader who
 * read within the activity window: reads refresh its expiry; fanout never creates one or extends it.
 */
export interface TimelineCache {
  /** The window of a complete timeline, refreshing its expiry; null if the reader has none (a miss). */
  read(userId: bigint, window: IdWindow): Promise<CachedTimeline | null>;
  /**
   * Starts a rebuild: makes an empty, incomplete timeline exist so fanout landing during the rebuild is kept.
   * Reads still miss until {@link completeRebuild}.
   */
  beginRebuild(userId: bigint): Promise<void>;
  /**
   * Merges what the source of truth returned (entries and pulled authors, leaving out authors kept out; see
   * {@link unfollowed}) into what fanout wrote meanwhile, and marks the timeline complete down to `floor`.
   */
  completeRebuild(
    userId: bigint,
    entries: readonly TimelineEntry[],
    floor: bigint,
    pulled?: readonly bigint[],
  ): Promise<void>;
  /**
   * The readers among `userIds` who may have a timeline: every reader who has one, perhaps a few whose timeline just
   * expired. One question per page, however many readers it lists (per node of a cluster), so fanout spends nothing
   * per inactive follower.
   */
  activeAmong(userIds: readonly bigint[]): Promise<bigint[]>;
  /**
   * Fanout: adds the entry to each listed reader's timeline that exists; returns how many received it. Readers without
   * a timeline cost nothing each (see {@link activeAmong}).
   */
  insert(userIds: readonly bigint[], entry: TimelineEntry): Promise<number>;
  /**
   * Adds entries to the reader's timeline if it exists, ignoring those below its floor (they would leave a gap) and
   * those of authors kept out. `entries` are all their source has at or above `floor` (`0n`: all it has; see
   * {@link boundedFloor}): a higher floor than the timeline's raises it, dropping what lies below, so a merge of an
   * author's newest few never leaves their older tweets missing above the floor.
   */
  merge(userId: bigint, entries: readonly TimelineEntry[], floor: bigint): Promise<void>;
  /** Removes a tweet from each listed reader's timeline. */
  remove(userIds: readonly bigint[], tweetId: bigint): Promise<void>;
  /** Puts the author in (or out of) the pulled set of each listed reader whose timeline exists, complete or not. */
  setPulled(userIds: readonly bigint[], authorId: bigint, pulled: boolean): Promise<void>;
  /**
   * The reader unfollowed the author: every entry by them goes, they leave the pulled set, and their entries are kept
   * out — of inserts, merges and rebuilds, whatever is still on its way — until {@link followed}, for as long as a
   * timeline lives and whether or not the reader has one now. So a read needs no "still followed?" question.
   */
  unfollowed(userId: bigint, authorId: bigint): Promise<void>;
  /** The reader follows the author (again): their entries are let in, and they join (or leave) the pulled set. */
  followed(userId: bigint, authorId: bigint, pulled: boolean): Promise<void>;
  /** Drops the reader's timeline (kept-out authors stay kept out); the next read rebuilds it. */
  forget(userId: bigint): Promise<void>;
  /** Drops every cached timeline (an operator's flush; also what a cache restart looks like). */
  clear(): Promise<void>;
  close(): Promise<void>;
}

export interface CachedRecentTweets {
  /** Entries in the window, newest first. */
  entries: TimelineEntry[];
  /** The list holds every one of the author's tweets at or above `floor`; `0n` means it holds them all. */
  floor: bigint;
}

/**
 * Each celebrity's recent tweets, one capped list per author, newest first, which their followers merge at read time.
 * It is seen from the author's side: no pulled authors, nothing kept out. The list adapters behind TimelineCache serve
 * it too (under a key prefix of their own), because the lists behave alike; callers may rely only on this
 * narrower contract, which the TimelineCache contract suite covers with the rest.
 */
export interface RecentTweetLists {
  /** The window of the author's list, refreshing its expiry; null if there is none (a miss). */
  read(authorId: bigint, window: IdWindow): Promise<CachedRecentTweets | null>;
  /** Makes an empty, incomplete list exist, so tweets landing during the rebuild are kept; reads still miss. */
  beginRebuild(authorId: bigint): Promise<void>;
  /** Merges what the source of truth returned into what landed meanwhile, complete down to `floor`. */
  completeRebuild(authorId: bigint, entries: readonly TimelineEntry[], floor: bigint): Promise<void>;
  /** Adds the entry to each listed author's list that exists; returns how many received it. */
  insert(authorIds: readonly bigint[], entry: TimelineEntry): Promise<number>;
  /** Removes a tweet from each listed author's list. */
  remove(authorIds: readonly bigint[], tweetId: bigint): Promise<void>;
  /** Drops the author's list; the next read rebuilds it. */
  forget(authorId: bigint): Promise<void>;
  /** Drops every list. */
  clear(): Promise<void>;
  close(): Promise<void>;
}

/**
 * The floor of a list read newest first with `limit`: when the read came back full, more may lie below its oldest
 * entry, so the list is only whole down to there; a shorter read holds everything (`0n`).
 */
export function boundedFloor(entries: readonly TimelineEntry[], limit: number): bigint {
  return entries.length >= limit ? (entries.at(-1)?.tweetId ?? 0n) : 0n;
}
