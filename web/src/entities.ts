/**
 * The Mastodon entities the client reads (ids are decimal strings: they exceed 2^53). Types only: api.ts (the calls)
 * and session.ts (the signed-in account) both use them, and neither imports the other's module for them.
 */

export interface AccountJson {
  id: string;
  username: string;
  acct: string;
  display_name: string;
  created_at: string;
  note: string;
  url: string;
  avatar: string;
  header: string;
  /** HTML from the server, like a status's content: rendered only through rich-text.ts. */
  fields: { name: string; value: string }[];
  bot: boolean;
  followers_count: number;
  following_count: number;
  statuses_count: number;
}

/** The signed-in account, with what only its owner sees. */
export interface CredentialAccountJson extends AccountJson {
  source: { note: string; fields: { name: string; value: string }[] };
}

export interface MediaJson {
  id: string;
  type: 'image';
  url: string;
  preview_url: string;
  description: string | null;
  meta: { original: { width: number; height: number }; small: { width: number; height: number } };
}

export interface StatusEditJson {
  content: string;
  spoiler_text: string;
  created_at: string;
  media_attachments: MediaJson[];
}

export interface MentionJson {
  id: string;
  username: string;
  acct: string;
  url: string;
}

export interface StatusJson {
  id: string;
  url: string;
  created_at: string;
  edited_at: string | null;
  account: AccountJson;
  /** HTML from the server: rendered only through {@link statusContent}'s allow-list. */
  content: string;
  visibility: 'public' | 'unlisted';
  sensitive: boolean;
  spoiler_text: string;
  mentions: MentionJson[];
  media_attachments: MediaJson[];
  tags: { name: string; url: string }[];
  reblogs_count: number;
  favourites_count: number;
  replies_count: number;
  in_reply_to_id: string | null;
  in_reply_to_account_id: string | null;
  reblog: StatusJson | null;
  favourited: boolean;
  reblogged: boolean;
}

export interface RelationshipJson {
  id: string;
  following: boolean;
  followed_by: boolean;
}

/** Mastodon's Notification; `status` is there for mentions, favourites, reblogs and edits. */
export interface NotificationJson {
  id: string;
  type:
    | 'mention'
    | 'status'
    | 'reblog'
    | 'follow'
    | 'follow_request'
    | 'favourite'
    | 'update'
    | (string & {});
  created_at: string;
  account: AccountJson;
  status?: StatusJson | null;
}

/** Where the reader stopped reading a timeline (`GET`/`POST /api/v1/markers`). */
export interface MarkerJson {
  last_read_id: string;
  version: number;
  updated_at: string;
}

export interface TokenJson {
  access_token: string;
  scope: string;
}

export interface SearchResults {
  accounts: AccountJson[];
  statuses: StatusJson[];
  hashtags: { name: string; url: string }[];
}
