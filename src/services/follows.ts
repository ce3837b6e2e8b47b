import { unavailable, validationFailed } from '../domain/errors.js';
import { pulls } from '../domain/fanout-mode.js';
import type { Account } from '../domain/model.js';
import type { AccountStore } from '../ports/account-store.js';
import type { Clock, IdGenerator } from '../ports/clock.js';
import type { FollowListItem, GraphStore } from '../ports/graph-store.js';
import type { TimelineCache } from '../ports/timeline-cache.js';
import type { AccountService } from './accounts.js';
import { type Page, toPage } from './pages.js';

export interface FollowDeps {
  accounts: AccountStore;
  accountService: Pick<AccountService, 'byHandle'>;
  graph: GraphStore;
  ids: IdGenerator;
  clock: Clock;
  /** The readers' cached timelines, told of follows and unfollows before the request answers. */
  timelines: Pick<TimelineCache, 'followed' | 'unfollowed'>;
  /** Told when the cache could not be told of a follow (the log's event tells it again). */
  onCacheError?: (error: unknown) => void;
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
  timelines,
  onCacheError = () => undefined,
}: FollowDeps) {
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
    /**
     * Idempotent: following again changes nothing and emits nothing. The reader's cached timeline lets the followee in
     * at once, pulled or not by the mode the follow committed with; their recent tweets follow through the log.
     */
    async follow(followerId: bigint, handle: string): Promise<void> {
      const followee = await target(followerId, handle);
      const mode = await graph.follow(
        { id: await ids.next(), followerId, followeeId: followee.id, createdAt: new Date(clock.now()) },
        { stream: 'fanout', event: { type: 'follow.created', followerId, followeeId: followee.id } },
      );
      // Best effort: the follow's event does the same (and merges the followee's tweets) once the cache answers.
      if (mode !== null) await timelines.followed(followerId, followee.id, pulls(mode)).catch(onCacheError);
    },

    /**
     * Idempotent. Answers only once the reader's cached timeline has let the followee go (their entries removed and
     * kept out), so no read after it shows them; if the cache cannot be told, the unfollow stands in the database and
     * the request fails as unavailable, to be retried (a retry tells the cache again).
     */
    async unfollow(followerId: bigint, handle: string): Promise<void> {
      const followee = await target(followerId, handle);
      await graph.unfollow(followerId, followee.id, {
        stream: 'fanout',
        event: { type: 'follow.deleted', followerId, followeeId: followee.id },
      });
      try {
        await timelines.unfollowed(followerId, followee.id);
      } catch (error) {
        onCacheError(error);
        throw unavailable('the timeline cache did not answer; the unfollow is saved, try again');
      }
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
