import type { Account } from '../domain/model.js';

export interface NewAccount {
  id: bigint;
  handle: string;
  displayName: string;
  passwordHash: string;
  createdAt: Date;
}

export interface Credentials {
  accountId: bigint;
  passwordHash: string;
}

/** Accounts and their sessions. Handles are unique ignoring case. */
export interface AccountStore {
  /** Inserts the account; null when the handle is taken (ignoring case). */
  create(account: NewAccount): Promise<Account | null>;
  byIds(ids: readonly bigint[]): Promise<Map<bigint, Account>>;
  byHandle(handle: string): Promise<Account | null>;
  credentials(handle: string): Promise<Credentials | null>;
  createSession(tokenHash: string, accountId: bigint, createdAt: Date): Promise<void>;
  /** The account of a live (unrevoked) session, or null. */
  sessionAccount(tokenHash: string): Promise<bigint | null>;
  revokeSession(tokenHash: string, revokedAt: Date): Promise<void>;
}
