import { unavailable, validationFailed } from '../domain/errors.js';
import { pulls } from '../domain/fanout-mode.js';
import type { Account, IdWindow } from '../domain/model.js';
import type { AccountStore } from '../ports/account-store.js';
import type { Clock, IdGenerator } from '../ports/clock.js';
import type { FollowListItem, FollowSuggestion, GraphStore } from '../ports/graph-store.js';
import type { TimelineCache } from '../ports/timeline-cache.js';
import type { AccountService } from './accounts.js';
import { type Page, toPage } from './pages.js';

export interface FollowDeps {
  accounts: AccountStore;
  accountService: Pick<AccountService, 'byId'>;
  graph: GraphStore;
  ids: IdGenerator;
  clock: Clock;
  /** The readers' cached timelines, told of follows and unfollows before the request answers. */
  timelines: Pick<TimelineCache, 'followed' | 'unfollowed'>;
  /** Told when the cache could not be told of a follow (the log's event tells it again). */
  onCacheError?: (error: unknown) => void;
}

/** How the viewer and an account stand to each other in the follow graph. */
export interface Relationship {
  accountId: bigint;
  /** The viewer follows the account. */
  following: boolean;
  /** The account follows the viewer. */
  followedBy: boolean;
}

export function createFollowService({
  accounts,
  accountService,
  graph,
  ids,
  clock,
  timelines,
  onCacheError = () => undefined,
}: FollowDeps) {
  async function target(followerId: bigint, followeeId: bigint): Promise<Account> {
    const followee = await accountService.byId(followeeId);
    if (followee.id === followerId) throw validationFailed('you cannot follow yourself');
    return followee;
  }

  /** Resolves list items to accounts, keeping the order and the follow-id cursor. */
  async function list(items: FollowListItem[], window: IdWindow): Promise<Page<Account>> {
    const found = await accounts.byIds(items.map((i) => i.accountId));
    const page = toPage(items, window, (i) => i.followId);
    return { ...page, items: page.items.flatMap((i) => found.get(i.accountId) ?? []) };
  }

  async function relationships(viewerId: bigint, accountIds: readonly bigint[]): Promise<Relationship[]> {
    const [following, followedBy] = await Promise.all([
      graph.followedAmong(viewerId, accountIds),
      graph.followersAmong(viewerId, accountIds),
    ]);
    return accountIds.map((accountId) => ({
      accountId,
      following: following.has(accountId),
      followedBy: followedBy.has(accountId),
    }));
  }

  return {
    /**
     * Idempotent: following again changes nothing and emits nothing. The reader's cached timeline lets the followee in
     * at once, pulled or not by the mode the follow committed with; their recent tweets follow through the log.
     * Answers how the two now stand.
     */
    async follow(followerId: bigint, followeeId: bigint): Promise<Relationship> {
      const followee = await target(followerId, followeeId);
      const mode = await graph.follow(
        { id: await ids.next(), followerId, followeeId: followee.id, createdAt: new Date(clock.now()) },
        { stream: 'fanout', event: { type: 'follow.created', followerId, followeeId: followee.id } },
      );
      // Best effort: the follow's event does the same (and merges the followee's tweets) once the cache answers.
      if (mode !== null) await timelines.followed(followerId, followee.id, pulls(mode)).catch(onCacheError);
      return (await relationships(followerId, [followee.id]))[0] as Relationship;
    },

    /**
     * Idempotent. Answers only once the reader's cached timeline has let the followee go (their entries removed and
     * kept out), so no read after it shows them; if the cache cannot be told, the unfollow stands in the database and
     * the request fails as unavailable, to be retried (a retry tells the cache again).
     */
    async unfollow(followerId: bigint, followeeId: bigint): Promise<Relationship> {
      const followee = await target(followerId, followeeId);
      await graph.unfollow(followerId, followee.id, (counted) => ({
        stream: 'fanout',
        event: { type: 'follow.deleted', followerId, followeeId: followee.id, counted },
      }));
      try {
        await timelines.unfollowed(followerId, followee.id);
      } catch (error) {
        onCacheError(error);
        throw unavailable('the timeline cache did not answer; the unfollow is saved, try again');
      }
      return (await relationships(followerId, [followee.id]))[0] as Relationship;
    },

    /** How the viewer stands to each account, in the order asked (unknown ids stand as strangers). */
    relationships,

    async followers(accountId: bigint, window: IdWindow): Promise<Page<Account>> {
      await accountService.byId(accountId);
      return list(await graph.followers(accountId, { ...window, limit: window.limit + 1 }), window);
    },

    async following(accountId: bigint, window: IdWindow): Promise<Page<Account>> {
      await accountService.byId(accountId);
      return list(await graph.following(accountId, { ...window, limit: window.limit + 1 }), window);
    },

    /** Whom the viewer might follow, best first, each with why (see GraphStore.suggestions). */
    async suggestions(
      viewerId: bigint,
      limit: number,
    ): Promise<{ account: Account; reason: FollowSuggestion['reason'] }[]> {
      const picked = await graph.suggestions(viewerId, limit);
      const found = await accounts.byIds(picked.map((p) => p.accountId));
      return picked.flatMap(({ accountId, reason }) => {
        const account = found.get(accountId);
        return account ? [{ account, reason }] : [];
      });
    },
  };
}

export type FollowService = ReturnType<typeof createFollowService>;
