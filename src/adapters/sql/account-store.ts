import type { DomainEvent } from '../../domain/events.js';
import type { Account, Session } from '../../domain/model.js';
import { EMPTY_PROFILE } from '../../domain/profile.js';
import type { AccountStore, Credentials, NewAccount, ProfileUpdate } from '../../ports/account-store.js';
import { changeWithEvent, enqueue } from './outbox.js';
import { ACCOUNT_COLUMNS, type AccountRow, toAccount } from './rows.js';
import { idParam, idsParam, isUniqueViolation, type SqlClient, toBigInt, toNumber } from './sql-client.js';

export class SqlAccountStore implements AccountStore {
  constructor(private readonly db: SqlClient) {}

  async create(account: NewAccount): Promise<Account | null> {
    try {
      await this.db.query(
        `INSERT INTO accounts (id, handle, display_name, password_hash, created_at, email, locale)
         VALUES ($1::bigint, $2, $3, $4, $5, $6, $7)`,
        [
          idParam(account.id),
          account.handle,
          account.displayName,
          account.passwordHash,
          account.createdAt,
          account.email ?? null,
          account.locale ?? null,
        ],
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
      ...EMPTY_PROFILE,
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

  async createSession(tokenHash: string, session: Session, createdAt: Date): Promise<void> {
    await this.db.query(
      `INSERT INTO sessions (token_hash, account_id, app_id, scopes, created_at)
       VALUES ($1, $2::bigint, $3::bigint, $4::text[], $5)`,
      [
        tokenHash,
        session.accountId === null ? null : idParam(session.accountId),
        session.appId === null ? null : idParam(session.appId),
        session.scopes,
        createdAt,
      ],
    );
  }

  async session(tokenHash: string, createdAfter: Date): Promise<Session | null> {
    const [row] = await this.db.query<{ account_id: unknown; app_id: unknown; scopes: string[] }>(
      `SELECT account_id, app_id, scopes FROM sessions
        WHERE token_hash = $1 AND revoked_at IS NULL AND created_at > $2`,
      [tokenHash, createdAfter],
    );
    if (!row) return null;
    return {
      accountId: row.account_id === null ? null : toBigInt(row.account_id),
      appId: row.app_id === null ? null : toBigInt(row.app_id),
      scopes: row.scopes,
    };
  }

  async revokeSession(tokenHash: string, revokedAt: Date): Promise<void> {
    await this.db.query('UPDATE sessions SET revoked_at = $2 WHERE token_hash = $1 AND revoked_at IS NULL', [
      tokenHash,
      revokedAt,
    ]);
  }

  async updateProfile(accountId: bigint, p: ProfileUpdate, event: DomainEvent): Promise<Account | null> {
    const row = await changeWithEvent<AccountRow>(
      this.db,
      `UPDATE accounts a SET display_name = $2, note = $3, fields = $4::jsonb,
              profile_mentions = ARRAY(SELECT lower(handle) FROM accounts WHERE lower(handle) = ANY($5::text[])),
              avatar_key = $6, header_key = $7, bot = $8, discoverable = $9, default_privacy = $10,
              default_sensitive = $11, default_language = $12
        WHERE a.id = $1::bigint
        RETURNING ${ACCOUNT_COLUMNS}`,
      [
        idParam(accountId),
        p.displayName,
        p.note,
        JSON.stringify(p.fields),
        p.mentions,
        p.avatarKey,
        p.headerKey,
        p.bot,
        p.discoverable,
        p.defaults.privacy,
        p.defaults.sensitive,
        p.defaults.language,
      ],
      (tx) => enqueue(tx, { stream: 'fanout', event }),
    );
    return row ? toAccount(row) : null;
  }

  async totals(): Promise<{ accounts: number; tweets: number }> {
    const [row] = await this.db.query<{ accounts: unknown; tweets: unknown }>(
      'SELECT count(*) AS accounts, coalesce(sum(tweets_count), 0) AS tweets FROM accounts',
    );
    return { accounts: toNumber(row?.accounts ?? 0), tweets: toNumber(row?.tweets ?? 0) };
  }
}
