import type { DomainEvent } from '../domain/events.js';
import type { Account, PostingDefaults, ProfileField, Session } from '../domain/model.js';

export interface NewAccount {
  id: bigint;
  handle: string;
  displayName: string;
  passwordHash: string;
  createdAt: Date;
  /** Given at sign-up, never shown. */
  email?: string | null;
  locale?: string | null;
}

/** A whole profile as its owner leaves it (the service merges a change into the current one). */
export interface ProfileUpdate {
  displayName: string;
  note: string;
  fields: ProfileField[];
  /** Lower-cased handles the note and fields mention; those naming accounts are kept, to be linked. */
  mentions: readonly string[];
  avatarKey: string | null;
  headerKey: string | null;
  bot: boolean;
  discoverable: boolean;
  defaults: PostingDefaults;
}

export interface Credentials {
  accountId: bigint;
  passwordHash: string;
}

/** Accounts and their sessions (access tokens). Handles are unique ignoring case. */
export interface AccountStore {
  /** Inserts the account; null when the handle is taken (ignoring case). */
  create(account: NewAccount): Promise<Account | null>;
  byIds(ids: readonly bigint[]): Promise<Map<bigint, Account>>;
  byHandle(handle: string): Promise<Account | null>;
  credentials(handle: string): Promise<Credentials | null>;
  createSession(tokenHash: string, session: Session, createdAt: Date): Promise<void>;
  /** What a live session's token stands for — unrevoked and created after `createdAfter` —, or null. */
  session(tokenHash: string, createdAfter: Date): Promise<Session | null>;
  revokeSession(tokenHash: string, revokedAt: Date): Promise<void>;
  /** Writes the profile and enqueues `event` atomically; answers the account as it is now, or null if none. */
  updateProfile(accountId: bigint, profile: ProfileUpdate, event: DomainEvent): Promise<Account | null>;
  /** How many accounts there are, and how many tweets they have (as their counters say). */
  totals(): Promise<{ accounts: number; tweets: number }>;
}
