import { type Static, Type } from 'typebox';
import type { Account } from '../../domain/model.js';
import { nullable } from '../schemas.js';
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
  last_status_at: nullable(Type.String()),
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
    language: nullable(Type.String()),
    follow_requests_count: Type.Integer(),
  }),
});

export type AccountJson = Static<typeof AccountSchema>;

/**
 * An account is shown on every post of theirs on a page, and the author directory hands out the same object for a
 * while (a changed profile is a new object): its presentation is kept beside it, per origin, for as long as the
 * object lives. Shared between responses, so never changed once made.
 */
const presented = new WeakMap<Account, { origin: string; json: AccountJson }>();

export function presentAccount(account: Account, presentation: Presentation): AccountJson {
  const kept = presented.get(account);
  if (kept?.origin === presentation.origin) return kept.json;
  const json = accountJson(account, presentation);
  presented.set(account, { origin: presentation.origin, json });
  return json;
}

function accountJson(account: Account, presentation: Presentation): AccountJson {
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
