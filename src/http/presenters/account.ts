import { type Static, Type } from 'typebox';
import type { Account } from '../../domain/model.js';
import { contentHtml, escapeHtml, inlineHtml } from './content.js';
import { mediaUrl } from './media.js';
import type { Presentation } from './presentation.js';

const FieldSchema = Type.Object({
  name: Type.String({ description: 'plain text, escaped' }),
  value: Type.String({ description: 'HTML: links and mentions; everything else escaped' }),
  verified_at: Type.Null(),
});
const SourceFieldSchema = Type.Object({ name: Type.String(), value: Type.String() });

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
  note: Type.String({
    description: 'the bio, as HTML: links, mentions and hashtags; everything else escaped',
  }),
  url: Type.String(),
  uri: Type.String(),
  avatar: Type.String({ description: 'a 400 × 400 image on this server (a default one until set)' }),
  avatar_static: Type.String(),
  header: Type.String({ description: 'a 1500 × 500 image on this server (a default one until set)' }),
  header_static: Type.String(),
  followers_count: Type.Integer(),
  following_count: Type.Integer(),
  statuses_count: Type.Integer(),
  last_status_at: Type.Union([Type.String(), Type.Null()]),
  emojis: Type.Array(Type.Object({})),
  fields: Type.Array(FieldSchema),
  roles: Type.Array(Type.Object({})),
});

/** The signed-in account as `verify_credentials` returns it: the account and what the owner alone sees. */
export const CredentialAccountSchema = Type.Object({
  ...AccountSchema.properties,
  source: Type.Object({
    note: Type.String({ description: 'the bio as typed, plain text' }),
    fields: Type.Array(SourceFieldSchema),
    privacy: Type.String(),
    sensitive: Type.Boolean(),
    language: Type.Union([Type.String(), Type.Null()]),
    follow_requests_count: Type.Integer(),
  }),
});

export type AccountJson = Static<typeof AccountSchema>;

export function presentAccount(account: Account, presentation: Presentation): AccountJson {
  const { origin } = presentation;
  const url = `${origin}/@${account.handle}`;
  const avatar = account.avatarKey
    ? mediaUrl(account.avatarKey, presentation)
    : `${origin}/avatars/original/missing.png`;
  const header = account.headerKey
    ? mediaUrl(account.headerKey, presentation)
    : `${origin}/headers/original/missing.png`;
  const mentioned = new Set(account.profileMentions);
  return {
    id: account.id.toString(),
    username: account.handle,
    acct: account.handle,
    display_name: account.displayName,
    locked: false,
    bot: account.bot,
    discoverable: account.discoverable,
    indexable: true,
    group: false,
    noindex: false,
    hide_collections: false,
    created_at: account.createdAt.toISOString(),
    note: contentHtml(account.note, mentioned, origin),
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
    fields: account.fields.map((field) => ({
      name: escapeHtml(field.name),
      value: inlineHtml(field.value, mentioned, origin),
      verified_at: null,
    })),
    roles: [],
  };
}

export function presentCredentialAccount(account: Account, presentation: Presentation) {
  return {
    ...presentAccount(account, presentation),
    source: {
      note: account.note,
      fields: account.fields.map((field) => ({ name: field.name, value: field.value })),
      privacy: account.defaults.privacy,
      sensitive: account.defaults.sensitive,
      language: account.defaults.language,
      follow_requests_count: 0,
    },
  };
}
