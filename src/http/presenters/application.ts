import { Type } from 'typebox';
import type { ClientApp } from '../../domain/model.js';
import { nullable } from '../schemas.js';

/** The Mastodon Application entity, as `verify_credentials` shows it. */
export const ApplicationSchema = Type.Object({
  id: Type.String(),
  name: Type.String(),
  website: nullable(Type.String()),
  scopes: Type.Array(Type.String()),
  redirect_uri: Type.String({ description: 'the registered URIs, one per line' }),
  redirect_uris: Type.Array(Type.String()),
  vapid_key: Type.String(),
});

/** As registration returns it: the only time the client secret is ever shown. */
export const CredentialApplicationSchema = Type.Object({
  ...ApplicationSchema.properties,
  client_id: Type.String(),
  client_secret: Type.String(),
  client_secret_expires_at: Type.Integer({ description: '0: never' }),
});

export const presentApplication = (app: ClientApp) => ({
  id: app.id.toString(),
  name: app.name,
  website: app.website,
  scopes: app.scopes,
  redirect_uri: app.redirectUris.join('\n'),
  redirect_uris: app.redirectUris,
  // Web push is not offered; clients read the key only to subscribe.
  vapid_key: '',
});

/** The Mastodon Token entity, as the token endpoint and registration answer. */
export const TokenSchema = Type.Object({
  access_token: Type.String(),
  token_type: Type.Literal('Bearer'),
  scope: Type.String(),
  created_at: Type.Integer({ description: 'Unix time in seconds' }),
});

export const presentToken = (token: { accessToken: string; scopes: readonly string[]; createdAt: Date }) => ({
  access_token: token.accessToken,
  token_type: 'Bearer' as const,
  scope: token.scopes.join(' '),
  created_at: Math.floor(token.createdAt.getTime() / 1000),
});
