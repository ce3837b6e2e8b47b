import type { AppStore, AuthorizationCode, StoredApp } from '../../ports/app-store.js';
import { idParam, type SqlClient, toBigInt } from './sql-client.js';

interface AppRow {
  id: unknown;
  name: string;
  website: string | null;
  redirect_uris: string[];
  scopes: string[];
  client_id: string;
  client_secret_hash: string;
  created_at: Date;
}

const APP_COLUMNS = 'id, name, website, redirect_uris, scopes, client_id, client_secret_hash, created_at';

const toApp = (row: AppRow): StoredApp => ({
  id: toBigInt(row.id),
  name: row.name,
  website: row.website,
  redirectUris: row.redirect_uris,
  scopes: row.scopes,
  clientId: row.client_id,
  clientSecretHash: row.client_secret_hash,
  createdAt: new Date(row.created_at),
});

interface CodeRow {
  code_hash: string;
  app_id: unknown;
  account_id: unknown;
  redirect_uri: string;
  scopes: string[];
  code_challenge: string | null;
  created_at: Date;
  expires_at: Date;
}

export class SqlAppStore implements AppStore {
  constructor(private readonly db: SqlClient) {}

  async create(app: StoredApp): Promise<void> {
    await this.db.query(
      `INSERT INTO apps (${APP_COLUMNS}) VALUES ($1::bigint, $2, $3, $4::text[], $5::text[], $6, $7, $8)`,
      [
        idParam(app.id),
        app.name,
        app.website,
        app.redirectUris,
        app.scopes,
        app.clientId,
        app.clientSecretHash,
        app.createdAt,
      ],
    );
  }

  async byClientId(clientId: string): Promise<StoredApp | null> {
    const [row] = await this.db.query<AppRow>(`SELECT ${APP_COLUMNS} FROM apps WHERE client_id = $1`, [
      clientId,
    ]);
    return row ? toApp(row) : null;
  }

  async byId(id: bigint): Promise<StoredApp | null> {
    const [row] = await this.db.query<AppRow>(`SELECT ${APP_COLUMNS} FROM apps WHERE id = $1::bigint`, [
      idParam(id),
    ]);
    return row ? toApp(row) : null;
  }

  async createCode(code: AuthorizationCode): Promise<void> {
    await this.db.query(
      `INSERT INTO authorization_codes
         (code_hash, app_id, account_id, redirect_uri, scopes, code_challenge, created_at, expires_at)
       VALUES ($1, $2::bigint, $3::bigint, $4, $5::text[], $6, $7, $8)`,
      [
        code.codeHash,
        idParam(code.appId),
        idParam(code.accountId),
        code.redirectUri,
        code.scopes,
        code.codeChallenge,
        code.createdAt,
        code.expiresAt,
      ],
    );
  }

  async redeemCode(codeHash: string, now: Date): Promise<AuthorizationCode | null> {
    // One UPDATE marks it used and returns it: of two concurrent redemptions, the second finds used_at set.
    const [row] = await this.db.query<CodeRow>(
      `UPDATE authorization_codes SET used_at = $2
        WHERE code_hash = $1 AND used_at IS NULL AND expires_at > $2
        RETURNING code_hash, app_id, account_id, redirect_uri, scopes, code_challenge, created_at, expires_at`,
      [codeHash, now],
    );
    if (!row) return null;
    return {
      codeHash: row.code_hash,
      appId: toBigInt(row.app_id),
      accountId: toBigInt(row.account_id),
      redirectUri: row.redirect_uri,
      scopes: row.scopes,
      codeChallenge: row.code_challenge,
      createdAt: new Date(row.created_at),
      expiresAt: new Date(row.expires_at),
    };
  }
}
