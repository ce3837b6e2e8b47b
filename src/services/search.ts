import { validationFailed } from '../domain/errors.js';
import type { Account, IdWindow } from '../domain/model.js';
import { parseAccountQuery, parseHashtagPrefix, parseTweetQuery } from '../domain/search-query.js';
import type { AccountStore } from '../ports/account-store.js';
import type { SearchIndex } from '../ports/search-index.js';
import { type HydrateDeps, type TweetView, tweetPage } from './hydrate.js';
import { type Page, toPage } from './pages.js';

export interface SearchDeps extends HydrateDeps {
  index: SearchIndex;
  accounts: AccountStore;
}

/** Search: queries parsed here (a malformed one is a 400), matched by the index, pages hydrated like timelines. */
export function createSearchService(deps: SearchDeps) {
  const { index, accounts } = deps;
  return {
    tweets(q: string, window: IdWindow, viewerId: bigint | null): Promise<Page<TweetView>> {
      const query = parseTweetQuery(q);
      return tweetPage(deps, (w) => index.tweets(query, w), window, viewerId);
    },

    async accounts(q: string, window: IdWindow): Promise<Page<Account>> {
      const ids = await index.accounts(parseAccountQuery(q), { ...window, limit: window.limit + 1 });
      const found = await accounts.byIds(ids);
      return toPage(
        ids.flatMap((id) => found.get(id) ?? []),
        window,
        (account) => account.id,
      );
    },

    /** Hashtags in use that start with the query (a leading '#' optional), in order. */
    async hashtags(q: string, limit: number, offset: number): Promise<string[]> {
      const prefix = parseHashtagPrefix(q);
      if (prefix === null) throw validationFailed('q cannot be the start of a hashtag');
      return index.hashtags(prefix, limit, offset);
    },
  };
}

export type SearchService = ReturnType<typeof createSearchService>;
