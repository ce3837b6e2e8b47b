import { LRUCache } from 'lru-cache';
import type { Account } from '../domain/model.js';
import type { AccountStore } from '../ports/account-store.js';

/** What a tweet shows of its author. */
export type Author = Pick<Account, 'id' | 'handle' | 'displayName'>;

/**
 * Tweet authors, for hydration. A handle and a display name never change once an account exists, so an author read
 * once is kept in memory (the least recently shown go first) and a page of tweets usually costs no query for them.
 */
export function createAuthorDirectory(accounts: AccountStore, max = 100_000) {
  const kept = new LRUCache<bigint, Author>({ max });
  return {
    async byIds(ids: readonly bigint[]): Promise<Map<bigint, Author>> {
      const out = new Map<bigint, Author>();
      const missing: bigint[] = [];
      for (const id of new Set(ids)) {
        const author = kept.get(id);
        if (author) out.set(id, author);
        else missing.push(id);
      }
      if (missing.length === 0) return out;
      for (const [id, { handle, displayName }] of await accounts.byIds(missing)) {
        const author = { id, handle, displayName };
        kept.set(id, author);
        out.set(id, author);
      }
      return out;
    },
  };
}

export type AuthorDirectory = ReturnType<typeof createAuthorDirectory>;
