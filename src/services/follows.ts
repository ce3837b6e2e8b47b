import { validationFailed } from '../domain/errors.js';
import type { Account, IdWindow } from '../domain/model.js';
import type { AccountStore } from '../ports/account-store.js';
import type { Clock, IdGenerator } from '../ports/clock.js';
import type { FollowListItem, GraphStore } from '../ports/graph-store.js';
import type { AccountService } from './accounts.js';
import type { CelebrityDirectory } from './celebrities.js';
import { type Page, toPage } from './pages.js';

export interface FollowDeps {
  accounts: AccountStore;
  accountService: Pick<AccountService, 'byId'>;
  graph: GraphStore;
  ids: IdGenerator;
  clock: Clock;
  celebrities: Pick<CelebrityDirectory, 'invalidate'>;
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
  celebrities,
}: FollowDeps) {
  /**
   * The reader's set of followed celebrities may have changed. (When the followee's fanout mode moves with the
   * count, the counter worker drops everyone's sets.)
   */
  function forget(readerId: bigint, changed: boolean) {
    if (changed) celebrities.invalidate(readerId);
  }

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
    /** Idempotent: following again changes nothing and emits nothing. Answers how the two now stand. */
    async follow(followerId: bigint, followeeId: bigint): Promise<Relationship> {
      const followee = await target(followerId, followeeId);
      const changed = await graph.follow(
        { id: await ids.next(), followerId, followeeId: followee.id, createdAt: new Date(clock.now()) },
        { stream: 'fanout', event: { type: 'follow.created', followerId, followeeId: followee.id } },
      );
      forget(followerId, changed);
      return (await relationships(followerId, [followee.id]))[0] as Relationship;
    },

    async unfollow(followerId: bigint, followeeId: bigint): Promise<Relationship> {
      const followee = await target(followerId, followeeId);
      const changed = await graph.unfollow(followerId, followee.id, {
        stream: 'fanout',
        event: { type: 'follow.deleted', followerId, followeeId: followee.id },
      });
      forget(followerId, changed);
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
  };
}

export type FollowService = ReturnType<typeof createFollowService>;
