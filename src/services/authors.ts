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
 * counts drift for at most `ttlMs`, as they may on any cached post. A changed profile is forgotten at once in the
 * process that changed it and, on the notice the workers send (ChangeNotices), in every other; a process that missed
 * the notice shows the old profile for at most `ttlMs`.
 */
export function createAuthorDirectory(
  accounts: AccountStore,
  clock: Clock,
  { max, ttlMs }: AuthorDirectorySettings = { max: 100_000, ttlMs: 60_000 },
) {
  const kept = expiringMemory<bigint, Author>(clock, max, ttlMs);
  // Moves with every forget: a lookup that raced one (it may have read the account just before it changed) answers
  // what it read but keeps none of it, so the old profile is not kept for another `ttlMs`.
  let forgets = 0;
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
      const before = forgets;
      const loaded = await accounts.byIds(missing);
      for (const [id, account] of loaded) {
        if (forgets === before) kept.set(id, account);
        out.set(id, account);
      }
      return out;
    },
    /** The account changed: show it afresh from now on. */
    forget(id: bigint): void {
      forgets += 1;
      kept.delete(id);
    },
  };
}

export type AuthorDirectory = ReturnType<typeof createAuthorDirectory>;
