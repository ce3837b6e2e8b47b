/** A tweet's counters as of one version: a copy with a higher version is newer. */
export interface TweetCounters {
  tweetId: bigint;
  likeCount: number;
  retweetCount: number;
  replyCount: number;
  /** Moves with every change of the counters (see migration 009). */
  version: number;
}

/** What the cache can say of a viewer's likes and retweets among some tweets. */
export interface ViewerEngagement {
  /** The tweets it can answer for; for the others the source of truth must be asked. */
  known: Set<bigint>;
  liked: Set<bigint>;
  /** Originals the viewer has a live retweet of. */
  retweeted: Set<bigint>;
}

/**
 * Engagement kept in the cache beside tweet bodies, so a cached home read asks the database nothing: each tweet's live
 * counters (written by the workers that apply them, after they commit, and by reads that missed), and each active
 * viewer's likes and retweets (loaded with their timeline, then kept by the requests that change them).
 *
 * A viewer's state is exact for tweets with ids from its `from` on; it is started before the source of truth is read
 * ({@link beginViewer}) so changes made while that read runs are recorded, and {@link loadViewer} never undoes them.
 */
export interface EngagementCache {
  /** The cached counters among `ids`; absent ids are not cached. One round trip (per node). */
  counters(ids: readonly bigint[]): Promise<Map<bigint, TweetCounters>>;
  /** Keeps each copy unless the cache holds a newer one. */
  putCounters(copies: readonly TweetCounters[]): Promise<void>;
  /** What the viewer liked and retweeted among `ids`, for the ids the cache can answer for. One round trip. */
  viewer(viewerId: bigint, ids: readonly bigint[]): Promise<ViewerEngagement>;
  /** Makes the viewer's state exist, answering nothing yet, unless it exists. */
  beginViewer(viewerId: bigint): Promise<void>;
  /**
   * Adds what the source of truth said (the viewer's likes of tweets from `from` on, and the originals of their live
   * retweets from `from` on), except what was undone since {@link beginViewer}, and answers from then on.
   */
  loadViewer(
    viewerId: bigint,
    from: bigint,
    liked: readonly bigint[],
    retweeted: readonly bigint[],
  ): Promise<void>;
  /** The viewer liked (or unliked) a tweet, or retweeted (or undid a retweet of) an original. */
  setViewer(viewerId: bigint, tweetId: bigint, what: 'liked' | 'retweeted', on: boolean): Promise<void>;
  clear(): Promise<void>;
  close(): Promise<void>;
}
