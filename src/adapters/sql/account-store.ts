import type { Account } from '../../domain/model.js';
import type { AccountStore, Credentials, NewAccount } from '../../ports/account-store.js';
import { ACCOUNT_COLUMNS, type AccountRow, toAccount } from './rows.js';
import { idParam, idsParam, isUniqueViolation, type SqlClient, toBigInt } from './sql-client.js';

export class SqlAccountStore implements AccountStore {
  constructor(private readonly db: SqlClient) {}

  async create(account: NewAccount): Promise<Account | null> {
    try {
      await this.db.query(
        `INSERT INTO accounts (id, handle, display_name, password_hash, created_at)
         VALUES ($1::bigint, $2, $3, $4, $5)`,
        [idParam(account.id), account.handle, account.displayName, account.passwordHash, account.createdAt],
      );
    } catch (error) {
      if (isUniqueViolation(error)) return null;
      throw error;
    }
    return {
      id: account.id,
      handle: account.handle,
      displayName: account.displayName,
      createdAt: account.createdAt,
      followersCount: 0,
      followingCount: 0,
      tweetsCount: 0,
      fanoutMode: 'push',
    };
  }

  async byIds(ids: readonly bigint[]): Promise<Map<bigint, Account>> {
    if (ids.length === 0) return new Map();
    const rows = await this.db.query<AccountRow>(
      `SELECT ${ACCOUNT_COLUMNS} FROM accounts a WHERE a.id = ANY($1::bigint[])`,
      [idsParam([...new Set(ids)])],
    );
    return new Map(rows.map((row) => [toBigInt(row.id), toAccount(row)]));
  }

  async byHandle(handle: string): Promise<Account | null> {
    const [row] = await this.db.query<AccountRow>(
      `SELECT ${ACCOUNT_COLUMNS} FROM accounts a WHERE lower(a.handle) = lower($1)`,
      [handle],
    );
    return row ? toAccount(row) : null;
  }

  async credentials(handle: string): Promise<Credentials | null> {
    const [row] = await this.db.query<{ id: unknown; password_hash: string }>(
      'SELECT id, password_hash FROM accounts WHERE lower(handle) = lower($1)',
      [handle],
    );
    return row ? { accountId: toBigInt(row.id), passwordHash: row.password_hash } : null;
  }

  async createSession(tokenHash: string, accountId: bigint, createdAt: Date): Promise<void> {
    await this.db.query(
      'INSERT INTO sessions (token_hash, account_id, created_at) VALUES ($1, $2::bigint, $3)',
      [tokenHash, idParam(accountId), createdAt],
    );
  }

  async sessionAccount(tokenHash: string): Promise<bigint | null> {
    const [row] = await this.db.query<{ account_id: unknown }>(
      'SELECT account_id FROM sessions WHERE token_hash = $1 AND revoked_at IS NULL',
      [tokenHash],
    );
    return row ? toBigInt(row.account_id) : null;
  }

  async revokeSession(tokenHash: string, revokedAt: Date): Promise<void> {
    await this.db.query('UPDATE sessions SET revoked_at = $2 WHERE token_hash = $1 AND revoked_at IS NULL', [
      tokenHash,
      revokedAt,
    ]);
  }
}
