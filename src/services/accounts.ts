import { conflict, notFound, unauthorized } from '../domain/errors.js';
import { checkDisplayName, checkHandle, checkPassword, isHandle } from '../domain/handle.js';
import type { Account } from '../domain/model.js';
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

export interface Session {
  account: Account;
  token: string;
}

export function createAccountService({ accounts, ids, clock, scrypt }: AccountDeps) {
  // Verifying against a real hash when the handle is unknown makes a failed login take as long either way.
  let decoy: Promise<string> | undefined;
  const decoyHash = () => {
    decoy ??= hashPassword(newToken(), scrypt);
    return decoy;
  };

  const live = expiringMemory<string, bigint>(clock, 100_000, SESSION_MEMORY_MS);

  async function openSession(account: Account): Promise<Session> {
    const token = newToken();
    await accounts.createSession(hashToken(token), account.id, new Date(clock.now()));
    return { account, token };
  }

  return {
    async signUp(input: {
      handle: string;
      password: string;
      displayName?: string | undefined;
    }): Promise<Session> {
      const handle = checkHandle(input.handle);
      const password = checkPassword(input.password);
      const displayName = checkDisplayName(input.displayName ?? handle) || handle;
      const account = await accounts.create({
        id: await ids.next(),
        handle,
        displayName,
        passwordHash: await hashPassword(password, scrypt),
        createdAt: new Date(clock.now()),
      });
      if (!account) throw conflict(`handle ${handle} is taken`);
      return openSession(account);
    },

    async logIn(input: { handle: string; password: string }): Promise<Session> {
      const credentials = isHandle(input.handle) ? await accounts.credentials(input.handle) : null;
      const valid = await verifyPassword(input.password, credentials?.passwordHash ?? (await decoyHash()));
      if (!credentials || !valid) throw unauthorized('handle or password is wrong');
      const account = (await accounts.byIds([credentials.accountId])).get(credentials.accountId);
      if (!account) throw unauthorized('handle or password is wrong');
      return openSession(account);
    },

    async logOut(token: string): Promise<void> {
      const tokenHash = hashToken(token);
      await accounts.revokeSession(tokenHash, new Date(clock.now()));
      live.delete(tokenHash);
    },

    /** The account a bearer token speaks for, or null. */
    async authenticate(token: string): Promise<bigint | null> {
      const tokenHash = hashToken(token);
      const remembered = live.get(tokenHash);
      if (remembered !== undefined) return remembered;
      const accountId = await accounts.sessionAccount(tokenHash);
      if (accountId !== null) live.set(tokenHash, accountId);
      return accountId;
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
