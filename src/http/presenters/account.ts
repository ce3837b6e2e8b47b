import { type Static, Type } from 'typebox';
import type { Account } from '../../domain/model.js';
import type { Presentation } from './presentation.js';

/** The Mastodon Account entity: every field typed clients require, present and of the right type. */
export const AccountSchema = Type.Object({
  id: Type.String({ description: '64-bit Snowflake as a decimal string' }),
  username: Type.String(),
  acct: Type.String({ description: 'the username; local accounts carry no domain' }),
  display_name: Type.String(),
  locked: Type.Boolean(),
  bot: Type.Boolean(),
  discoverable: Type.Boolean(),
  indexable: Type.Boolean(),
  group: Type.Boolean(),
  noindex: Type.Boolean(),
  hide_collections: Type.Boolean(),
  created_at: Type.String({ format: 'date-time' }),
  note: Type.String({ description: 'the bio, as HTML' }),
  url: Type.String(),
  uri: Type.String(),
  avatar: Type.String(),
  avatar_static: Type.String(),
  header: Type.String(),
  header_static: Type.String(),
  followers_count: Type.Integer(),
  following_count: Type.Integer(),
  statuses_count: Type.Integer(),
  last_status_at: Type.Union([Type.String(), Type.Null()]),
  emojis: Type.Array(Type.Object({})),
  fields: Type.Array(Type.Object({ name: Type.String(), value: Type.String() })),
  roles: Type.Array(Type.Object({})),
});

/** The signed-in account as `verify_credentials` returns it: the account and what the owner alone sees. */
export const CredentialAccountSchema = Type.Object({
  ...AccountSchema.properties,
  source: Type.Object({
    note: Type.String(),
    fields: Type.Array(Type.Object({ name: Type.String(), value: Type.String() })),
    privacy: Type.String(),
    sensitive: Type.Boolean(),
    language: Type.Union([Type.String(), Type.Null()]),
    follow_requests_count: Type.Integer(),
  }),
});

export type AccountJson = Static<typeof AccountSchema>;

export function presentAccount(account: Account, { origin }: Presentation): AccountJson {
  const url = `${origin}/@${account.handle}`;
  const avatar = `${origin}/avatars/original/missing.png`;
  const header = `${origin}/headers/original/missing.png`;
  return {
    id: account.id.toString(),
    username: account.handle,
    acct: account.handle,
    display_name: account.displayName,
    locked: false,
    bot: false,
    discoverable: true,
    indexable: true,
    group: false,
    noindex: false,
    hide_collections: false,
    created_at: account.createdAt.toISOString(),
    note: '',
    url,
    uri: url,
    avatar,
    avatar_static: avatar,
    header,
    header_static: header,
    followers_count: account.followersCount,
    following_count: account.followingCount,
    statuses_count: account.tweetsCount,
    last_status_at: null,
    emojis: [],
    fields: [],
    roles: [],
  };
}

export function presentCredentialAccount(account: Account, presentation: Presentation) {
  return {
    ...presentAccount(account, presentation),
    source: {
      note: '',
      fields: [],
      privacy: 'public',
      sensitive: false,
      language: null,
      follow_requests_count: 0,
    },
  };
}
