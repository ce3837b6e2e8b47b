import twitterText from 'twitter-text';
import { notFound } from '../domain/errors.js';
import type { Account, IdWindow } from '../domain/model.js';
import { normalizeTag } from '../domain/tweet-text.js';
import type { AccountStore } from '../ports/account-store.js';
import type { AccountListFilter, ActorListItem, TweetLists } from '../ports/tweet-lists.js';
import { type HydrateDeps, hydrateTweets, presentInOrder, type TweetView, tweetPage } from './hydrate.js';
import { type Page, toPage } from './pages.js';

export interface ListDeps extends HydrateDeps {
  lists: TweetLists;
  accounts: AccountStore;
}

/** How far a thread is shown either way from the tweet asked for. */
export const MAX_ANCESTORS = 100;
export const MAX_DESCENDANTS = 500;

/**
 * A tag as posts carry it (normalised), or null when no post can carry it: only what twitter-text finds as one whole
 * hashtag is ever stored as one. Anything else (a NUL, a space) finds nothing, without asking the store.
 */
export function storedTag(raw: string): string | null {
  const bare = raw.replace(/^#/, '');
  if (!bare.isWellFormed()) return null;
  const [found] = twitterText.extractHashtags(`#${bare}`);
  return found === bare ? normalizeTag(bare) : null;
}

const NOTHING: Page<TweetView> = { items: [], next: null, prev: null };

export interface Thread {
  ancestors: TweetView[];
  descendants: TweetView[];
}

/**
 * Timelines and lists other than the home timeline: an account's tweets, the public and hashtag timelines, a thread,
 * and who liked or retweeted a tweet. Each is a skeleton from the source of truth, hydrated like every page.
 */
export function createListService(deps: ListDeps) {
  const { lists, accounts } = deps;

  async function visible(id: bigint, viewerId: bigint | null): Promise<TweetView> {
    const view = (await hydrateTweets(deps, [id], viewerId)).get(id);
    if (!view) throw notFound('tweet');
    return view;
  }

  async function actors(
    tweetId: bigint,
    window: IdWindow,
    list: (w: IdWindow) => Promise<ActorListItem[]>,
  ): Promise<Page<Account>> {
    await visible(tweetId, null);
    const items = await list({ ...window, limit: window.limit + 1 });
    const found = await accounts.byIds(items.map((i) => i.accountId));
    const page = toPage(items, window, (i) => i.id);
    return { ...page, items: page.items.flatMap((i) => found.get(i.accountId) ?? []) };
  }

  return {
    async account(
      accountId: bigint,
      filter: AccountListFilter,
      window: IdWindow,
      viewerId: bigint | null,
    ): Promise<Page<TweetView>> {
      if (!(await accounts.byIds([accountId])).has(accountId)) throw notFound('account');
      const tagged = filter.tagged === undefined ? undefined : storedTag(filter.tagged);
      if (tagged === null) return NOTHING;
      return tweetPage(deps, (w) => lists.account(accountId, { ...filter, tagged }, w), window, viewerId);
    },

    public: (window: IdWindow, viewerId: bigint | null): Promise<Page<TweetView>> =>
      tweetPage(deps, (w) => lists.public(w), window, viewerId),

    async tagged(tag: string, window: IdWindow, viewerId: bigint | null): Promise<Page<TweetView>> {
      const normalised = storedTag(tag);
      if (normalised === null) return NOTHING;
      return tweetPage(deps, (w) => lists.tagged(normalised, w), window, viewerId);
    },

    /** The thread around a visible tweet: what it answers, up to the root, and every reply below it. */
    async context(id: bigint, viewerId: bigint | null): Promise<Thread> {
      await visible(id, viewerId);
      const [up, down] = await Promise.all([
        lists.ancestors(id, MAX_ANCESTORS),
        lists.descendants(id, MAX_DESCENDANTS),
      ]);
      const [ancestors, descendants] = await Promise.all([
        presentInOrder(deps, up, viewerId),
        presentInOrder(deps, down, viewerId),
      ]);
      return { ancestors, descendants };
    },

    favouritedBy: (tweetId: bigint, window: IdWindow) =>
      actors(tweetId, window, (w) => lists.likers(tweetId, w)),
    rebloggedBy: (tweetId: bigint, window: IdWindow) =>
      actors(tweetId, window, (w) => lists.retweeters(tweetId, w)),
  };
}

export type ListService = ReturnType<typeof createListService>;
