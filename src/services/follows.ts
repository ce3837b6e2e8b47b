import { validationFailed } from '../domain/errors.js';
import type { Account } from '../domain/model.js';
import type { AccountStore } from '../ports/account-store.js';
import type { Clock, IdGenerator } from '../ports/clock.js';
import type { FollowListItem, GraphStore } from '../ports/graph-store.js';
import type { AccountService } from './accounts.js';
import type { CelebrityDirectory } from './celebrities.js';
import { type Page, toPage } from './pages.js';

export interface FollowDeps {
  accounts: AccountStore;
  accountService: Pick<AccountService, 'byHandle'>;
  graph: GraphStore;
  ids: IdGenerator;
  clock: Clock;
  celebrities: Pick<CelebrityDirectory, 'invalidate'>;
}

export interface ListQuery {
  before?: bigint | undefined;
  limit: number;
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

  async function target(followerId: bigint, handle: string): Promise<Account> {
    const followee = await accountService.byHandle(handle);
    if (followee.id === followerId) throw validationFailed('you cannot follow yourself');
    return followee;
  }

  /** Resolves list items to accounts, keeping the order and the follow-id cursor. */
  async function list(items: FollowListItem[], limit: number): Promise<Page<Account>> {
    const found = await accounts.byIds(items.map((i) => i.accountId));
    const page = toPage(items, limit, (i) => i.followId);
    return {
      items: page.items.flatMap((i) => {
        const account = found.get(i.accountId);
        return account ? [account] : [];
      }),
      next: page.next,
    };
  }

  return {
    /** Idempotent: following again changes nothing and emits nothing. */
    async follow(followerId: bigint, handle: string): Promise<void> {
      const followee = await target(followerId, handle);
      const changed = await graph.follow(
        { id: await ids.next(), followerId, followeeId: followee.id, createdAt: new Date(clock.now()) },
        { stream: 'fanout', event: { type: 'follow.created', followerId, followeeId: followee.id } },
      );
      forget(followerId, changed);
    },

    async unfollow(followerId: bigint, handle: string): Promise<void> {
      const followee = await target(followerId, handle);
      const changed = await graph.unfollow(followerId, followee.id, {
        stream: 'fanout',
        event: { type: 'follow.deleted', followerId, followeeId: followee.id },
      });
      forget(followerId, changed);
    },

    async followers(handle: string, query: ListQuery): Promise<Page<Account>> {
      const account = await accountService.byHandle(handle);
      return list(await graph.followers(account.id, query.before, query.limit + 1), query.limit);
    },

    async following(handle: string, query: ListQuery): Promise<Page<Account>> {
      const account = await accountService.byHandle(handle);
      return list(await graph.following(account.id, query.before, query.limit + 1), query.limit);
    },
  };
}

export type FollowService = ReturnType<typeof createFollowService>;
