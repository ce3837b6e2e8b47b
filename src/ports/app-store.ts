import type { ClientApp } from '../domain/model.js';

export interface StoredApp extends ClientApp {
  /** SHA-256 of the client secret; the secret itself is shown once, at registration, and never stored. */
  clientSecretHash: string;
}

export interface AuthorizationCode {
  codeHash: string;
  appId: bigint;
  accountId: bigint;
  redirectUri: string;
  scopes: string[];
  /** PKCE: the S256 challenge the token request's verifier must match; null when the client sent none. */
  codeChallenge: string | null;
  createdAt: Date;
  expiresAt: Date;
}

/** Client applications and the authorization codes granted to them. */
export interface AppStore {
  create(app: StoredApp): Promise<void>;
  byClientId(clientId: string): Promise<StoredApp | null>;
  byId(id: bigint): Promise<StoredApp | null>;
  createCode(code: AuthorizationCode): Promise<void>;
  /**
   * Marks the code used and returns it — once: a second redemption, an unknown code or an expired one (at `now`) is
   * null. Concurrent redemptions of one code get it at most once between them.
   */
  redeemCode(codeHash: string, now: Date): Promise<AuthorizationCode | null>;
}
