import { conflict, notFound, unauthorized } from '../domain/errors.js';
import { checkDisplayName, checkHandle, checkPassword, isHandle } from '../domain/handle.js';
import type { Account, Session } from '../domain/model.js';
import type { AccountStore } from '../ports/account-store.js';
import type { Clock, IdGenerator } from '../ports/clock.js';
import type { SessionRevocations } from '../ports/session-revocations.js';
import { expiringMemory } from './expiring.js';
import { hashPassword, type ScryptCost, verifyPassword } from './passwords.js';
import { hashToken, newToken } from './tokens.js';

export interface AccountDeps {
  accounts: AccountStore;
  ids: IdGenerator;
  clock: Clock;
  scrypt: ScryptCost;
  /** How long a session lasts from its creation. */
  sessionLifetimeMs: number;
  /** Tells every process that a session ended (this one included, at once). */
  revocations: Pick<SessionRevocations, 'publish'>;
  /** Told when a revocation could not be told to other processes (they forget within SESSION_MEMORY_MS). */
  onRevocationError?: (error: unknown) => void;
}

/**
 * How long a live session is remembered by the process that checked it. Every request checks its token, so this keeps
 * the database off the hot path. Revoking it forgets it at once here and, through the revocations every process
 * listens to, everywhere else within moments; this bound holds even if that message is lost.
 */
export const SESSION_MEMORY_MS = 30_000;

/** What signing up asks for; `email` and `locale` are kept, never shown. */
export interface SignUpInput {
  handle: string;
  password: string;
  displayName?: string | undefined;
  email?: string | undefined;
  locale?: string | undefined;
}

export function createAccountService({
  accounts,
  ids,
  clock,
  scrypt,
  sessionLifetimeMs,
  revocations,
  onRevocationError = () => undefined,
}: AccountDeps) {
  // Verifying against a real hash when the handle is unknown makes a failed login take as long either way.
  let decoy: Promise<string> | undefined;
  const decoyHash = () => {
    decoy ??= hashPassword(newToken(), scrypt);
    return decoy;
  };

  const live = expiringMemory<string, Session>(clock, 100_000, SESSION_MEMORY_MS);
  /** What this process serves on a session and must end with it (open streams). */
  const watchers = new Map<string, Set<() => void>>();

  /** The session of this token hash ended: forget it, and end what was served on it. */
  function ended(tokenHash: string) {
    live.delete(tokenHash);
    const ending = watchers.get(tokenHash);
    watchers.delete(tokenHash);
    for (const end of ending ?? []) end();
  }

  return {
    async signUp(input: SignUpInput): Promise<Account> {
      const handle = checkHandle(input.handle);
      const password = checkPassword(input.password);
      const displayName = checkDisplayName(input.displayName ?? handle) || handle;
      const account = await accounts.create({
        id: await ids.next(),
        handle,
        displayName,
        passwordHash: await hashPassword(password, scrypt),
        createdAt: new Date(clock.now()),
        email: input.email?.trim() || null,
        locale: input.locale?.trim() || null,
      });
      if (!account) throw conflict(`handle ${handle} is taken`);
      return account;
    },

    /** The account whose handle and password these are; the same error, after the same work, for either wrong. */
    async checkPassword(input: { handle: string; password: string }): Promise<Account> {
      const credentials = isHandle(input.handle) ? await accounts.credentials(input.handle) : null;
      const valid = await verifyPassword(input.password, credentials?.passwordHash ?? (await decoyHash()));
      if (!credentials || !valid) throw unauthorized('handle or password is wrong');
      const account = (await accounts.byIds([credentials.accountId])).get(credentials.accountId);
      if (!account) throw unauthorized('handle or password is wrong');
      return account;
    },

    /** Issues a bearer token for the session; only its hash is stored. */
    async openSession(session: Session): Promise<string> {
      const token = newToken();
      await accounts.createSession(hashToken(token), session, new Date(clock.now()));
      return token;
    },

    /** Ends the session: refused from now on here, and in every other process as soon as it hears. */
    async logOut(token: string): Promise<void> {
      const tokenHash = hashToken(token);
      await accounts.revokeSession(tokenHash, new Date(clock.now()));
      ended(tokenHash);
      await revocations.publish([tokenHash]).catch(onRevocationError);
    },

    /** What a bearer token stands for, or null (unknown, revoked, or older than the session lifetime). */
    async authenticate(token: string): Promise<Session | null> {
      const tokenHash = hashToken(token);
      const remembered = live.get(tokenHash);
      if (remembered !== undefined) return remembered;
      const session = await accounts.session(tokenHash, new Date(clock.now() - sessionLifetimeMs));
      if (session !== null) live.set(tokenHash, session);
      return session;
    },

    /** Whether this process answers for the token without asking the database (it checked it moments ago). */
    remembers(token: string): boolean {
      return live.has(hashToken(token));
    },

    /** Calls `onEnd` once, when the token's session is revoked; the returned function stops watching. */
    watchSession(token: string, onEnd: () => void): () => void {
      const tokenHash = hashToken(token);
      let watching = watchers.get(tokenHash);
      if (!watching) {
        watching = new Set();
        watchers.set(tokenHash, watching);
      }
      watching.add(onEnd);
      return () => {
        const current = watchers.get(tokenHash);
        current?.delete(onEnd);
        if (current?.size === 0) watchers.delete(tokenHash);
      };
    },

    /** Another process revoked this session (the revocations' listener). */
    sessionEnded: ended,

    /** Revocations may have been missed: forget every remembered session, so each is checked again. */
    forgetSessions(): void {
      live.clear();
    },

    async byId(id: bigint): Promise<Account> {
      const account = (await accounts.byIds([id])).get(id);
      if (!account) throw notFound('account');
      return account;
    },

    async byHandle(handle: string): Promise<Account> {
      const account = isHandle(handle) ? await accounts.byHandle(handle) : null;
      if (!account) throw notFound('account');
      return account;
    },
  };
}

export type AccountService = ReturnType<typeof createAccountService>;
