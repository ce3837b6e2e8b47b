import { describe, expect, it } from 'vitest';
import type { Account } from '../../src/domain/model.js';
import { EMPTY_PROFILE } from '../../src/domain/profile.js';
import type { AccountStore } from '../../src/ports/account-store.js';
import { createAuthorDirectory } from '../../src/services/authors.js';
import { TestClock } from '../support/clock.js';

const account = (id: bigint): Account => ({
  id,
  handle: `u${id}`,
  displayName: `User ${id}`,
  createdAt: new Date(0),
  followersCount: 0,
  followingCount: 0,
  tweetsCount: 0,
  fanoutMode: 'push',
  ...EMPTY_PROFILE,
});

/** An account store that knows accounts 1–9 and records which ids it was asked for. */
function store() {
  const asked: bigint[][] = [];
  const accounts = {
    async byIds(ids: readonly bigint[]) {
      asked.push([...ids]);
      return new Map(ids.filter((id) => id < 10n).map((id) => [id, account(id)]));
    },
  } as unknown as AccountStore;
  return { accounts, asked };
}

describe('author directory', () => {
  it('asks the store only for authors it has not seen, once per page', async () => {
    const { accounts, asked } = store();
    const authors = createAuthorDirectory(accounts, new TestClock());
    const first = await authors.byIds([1n, 2n, 2n, 3n]);
    expect([...first.values()]).toEqual([account(1n), account(2n), account(3n)]);
    const second = await authors.byIds([3n, 4n, 1n]);
    expect([...second.keys()].sort()).toEqual([1n, 3n, 4n]);
    expect(asked).toEqual([[1n, 2n, 3n], [4n]]);
    await authors.byIds([2n, 4n]);
    expect(asked).toHaveLength(2);
  });

  it('leaves out ids with no account, and asks for them again next time', async () => {
    const { accounts, asked } = store();
    const authors = createAuthorDirectory(accounts, new TestClock());
    expect([...(await authors.byIds([1n, 42n])).keys()]).toEqual([1n]);
    await authors.byIds([42n]);
    expect(asked).toEqual([[1n, 42n], [42n]]);
  });

  it('keeps at most `max` authors, forgetting the least recently shown', async () => {
    const { accounts, asked } = store();
    const authors = createAuthorDirectory(accounts, new TestClock(), { max: 2, ttlMs: 60_000 });
    await authors.byIds([1n]);
    await authors.byIds([2n]);
    await authors.byIds([1n]);
    await authors.byIds([3n]);
    await authors.byIds([1n, 2n]);
    expect(asked).toEqual([[1n], [2n], [3n], [2n]]);
  });

  it('reads an author again once it has been kept for its time, or at once when it changed here', async () => {
    const { accounts, asked } = store();
    const clock = new TestClock();
    const authors = createAuthorDirectory(accounts, clock, { max: 10, ttlMs: 60_000 });
    await authors.byIds([1n, 2n]);
    clock.advance(59_999);
    await authors.byIds([1n, 2n]);
    expect(asked).toEqual([[1n, 2n]]);
    clock.advance(2);
    await authors.byIds([1n]);
    authors.forget(2n);
    await authors.byIds([2n]);
    expect(asked).toEqual([[1n, 2n], [1n], [2n]]);
  });
});

describe('author directory and a change racing a lookup', () => {
  it('keeps nothing a lookup read while the account was changing, so the old profile is not kept', async () => {
    let release: () => void = () => undefined;
    const gate = new Promise<void>((resolve) => {
      release = resolve;
    });
    const asked: bigint[][] = [];
    const accounts = {
      async byIds(ids: readonly bigint[]) {
        asked.push([...ids]);
        if (asked.length === 1) await gate;
        return new Map(ids.map((id) => [id, account(id)]));
      },
    } as unknown as AccountStore;
    const authors = createAuthorDirectory(accounts, new TestClock());
    const racing = authors.byIds([1n]);
    // The profile changes (and is forgotten) while the first lookup still waits for the database.
    authors.forget(1n);
    release();
    expect((await racing).get(1n)).toEqual(account(1n));
    await authors.byIds([1n]);
    expect(asked).toEqual([[1n], [1n]]);
    await authors.byIds([1n]);
    expect(asked).toHaveLength(2);
  });
});
