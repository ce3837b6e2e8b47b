import type { Account } from '../domain/model.js';
import type { AccountStore } from '../ports/account-store.js';
import type { Clock } from '../ports/clock.js';
import { expiringMemory } from './expiring.js';

/** An account as a post shows it: everything a client's account card needs, counts included. */
export type Author = Account;

export interface AuthorDirectorySettings {
  /** Authors kept at once (the least recently shown go first). */
  max: number;
  /** How long a kept author is shown before it is read again: how stale its counts may get on a post. */
  ttlMs: number;
}

/**
 * Tweet authors (and mentioned accounts), for hydration. A page of tweets shows the same few accounts again and again,
 * so an account read once is kept for a short while and a page usually costs no query for them. Handles never change;
 * counts drift for at most `ttlMs`, as they may on any cached post.
 */
export function createAuthorDirectory(
  accounts: AccountStore,
  clock: Clock,
  { max, ttlMs }: AuthorDirectorySettings = { max: 100_000, ttlMs: 60_000 },
) {
  const kept = expiringMemory<bigint, Author>(clock, max, ttlMs);
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
      for (const [id, account] of await accounts.byIds(missing)) {
        kept.set(id, account);
        out.set(id, account);
      }
      return out;
    },
    /** The account changed here: show it afresh at once (other processes within `ttlMs`). */
    forget(id: bigint): void {
      kept.delete(id);
    },
  };
}

export type AuthorDirectory = ReturnType<typeof createAuthorDirectory>;
