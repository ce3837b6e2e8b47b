import { conflict, notFound, unauthorized } from '../domain/errors.js';
import { checkDisplayName, checkHandle, checkPassword, isHandle } from '../domain/handle.js';
import type { Account, Session } from '../domain/model.js';
import type { AccountStore } from '../ports/account-store.js';
import type { Clock, IdGenerator } from '../ports/clock.js';
import { expiringMemory } from './expiring.js';
import { hashPassword, type ScryptCost, verifyPassword } from './passwords.js';
import { hashToken, newToken } from './tokens.js';

export interface AccountDeps {
  accounts: AccountStore;
  ids: IdGenerator;
  clock: Clock;
  scrypt: ScryptCost;
}

/**
 * How long a live session is remembered by the process that checked it. Every request checks its token, so this keeps
 * the database off the hot path; logging out forgets the session at once here, and in other api processes within
 * this time.
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

export function createAccountService({ accounts, ids, clock, scrypt }: AccountDeps) {
  // Verifying against a real hash when the handle is unknown makes a failed login take as long either way.
  let decoy: Promise<string> | undefined;
  const decoyHash = () => {
    decoy ??= hashPassword(newToken(), scrypt);
    return decoy;
  };

  const live = expiringMemory<string, Session>(clock, 100_000, SESSION_MEMORY_MS);

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

    async logOut(token: string): Promise<void> {
      const tokenHash = hashToken(token);
      await accounts.revokeSession(tokenHash, new Date(clock.now()));
      live.delete(tokenHash);
    },

    /** What a bearer token stands for, or null. */
    async authenticate(token: string): Promise<Session | null> {
      const tokenHash = hashToken(token);
      const remembered = live.get(tokenHash);
      if (remembered !== undefined) return remembered;
      const session = await accounts.session(tokenHash);
      if (session !== null) live.set(tokenHash, session);
      return session;
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
