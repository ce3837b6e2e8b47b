import type { OutboxEntry } from './outbox.js';

export interface FollowEdge {
  /** A Snowflake minted for the edge: it orders follower lists newest first. */
  id: bigint;
  followerId: bigint;
  followeeId: bigint;
  createdAt: Date;
}

export interface FollowChange {
  /** The edge was created (or removed); false when it already was (or was not) there. */
  changed: boolean;
  /** The followee's fanout mode changed with its follower count. */
  modeChanged: boolean;
}

/** One account in a follower or following list, with the id of the edge that placed it there (the cursor). */
export interface FollowListItem {
  accountId: bigint;
  followId: bigint;
}

/**
 * The follow graph, indexed both ways. Counters on accounts change in the same transaction as the edge, and so does
 * the followee's fanout mode (with hysteresis); a demotion enqueues an `author.demoted` event in that transaction.
 */
export interface GraphStore {
  /** Creates the edge and enqueues `event` atomically; nothing changes (or is enqueued) if it already existed. */
  follow(edge: FollowEdge, event: OutboxEntry): Promise<FollowChange>;
  /** Removes the edge and enqueues `event` atomically; nothing changes (or is enqueued) if there was none. */
  unfollow(followerId: bigint, followeeId: bigint, event: OutboxEntry): Promise<FollowChange>;
  /** Followers of `followeeId` with ids above `after`, ascending, for fanout's keyset pages. */
  followerIds(followeeId: bigint, after: bigint | null, limit: number): Promise<bigint[]>;
  /** Who follows `accountId`, newest follow first, with follow ids below `before`. */
  followers(accountId: bigint, before: bigint | undefined, limit: number): Promise<FollowListItem[]>;
  /** Whom `accountId` follows, newest follow first, with follow ids below `before`. */
  following(accountId: bigint, before: bigint | undefined, limit: number): Promise<FollowListItem[]>;
  /** The subset of `candidates` that `followerId` follows. */
  followedAmong(followerId: bigint, candidates: readonly bigint[]): Promise<Set<bigint>>;
  /** Accounts `followerId` follows whose tweets are pulled at read time (fanout mode `pull` or `demoting`). */
  celebritiesFollowedBy(followerId: bigint): Promise<bigint[]>;
  /** Moves a `demoting` author to `push` once fanout has merged their recent tweets; false if it was not demoting. */
  completeDemotion(authorId: bigint): Promise<boolean>;
}
