import type {
  Account,
  AttachedMedia,
  FanoutMode,
  IdWindow,
  ProfileField,
  TimelineEntry,
  Tweet,
  TweetStatus,
  Visibility,
} from '../../domain/model.js';
import { newestFirst, type SqlExecutor, toBigInt, toNumber } from './sql-client.js';

/** Column lists and row mappers shared by the stores, so every query returns the same shape. */
export const ACCOUNT_COLUMNS = `a.id, a.handle, a.display_name, a.created_at, a.followers_count,
  a.following_count, a.tweets_count, a.fanout_mode, a.note, a.fields, a.profile_mentions, a.avatar_key, a.header_key, a.bot,
  a.discoverable, a.default_privacy, a.default_sensitive, a.default_language`;

export interface AccountRow {
  id: unknown;
  handle: string;
  display_name: string;
  created_at: Date;
  followers_count: unknown;
  following_count: unknown;
  tweets_count: unknown;
  fanout_mode: FanoutMode;
  note: string;
  fields: ProfileField[];
  profile_mentions: string[];
  avatar_key: string | null;
  header_key: string | null;
  bot: boolean;
  discoverable: boolean;
  default_privacy: Visibility;
  default_sensitive: boolean;
  default_language: string | null;
}

export const toAccount = (row: AccountRow): Account => ({
  id: toBigInt(row.id),
  handle: row.handle,
  displayName: row.display_name,
  createdAt: new Date(row.created_at),
  followersCount: toNumber(row.followers_count),
  followingCount: toNumber(row.following_count),
  tweetsCount: toNumber(row.tweets_count),
  fanoutMode: row.fanout_mode,
  note: row.note,
  fields: row.fields.map((f) => ({ name: String(f.name), value: String(f.value) })),
  profileMentions: row.profile_mentions,
  avatarKey: row.avatar_key,
  headerKey: row.header_key,
  bot: row.bot,
  discoverable: row.discoverable,
  defaults: {
    privacy: row.default_privacy,
    sensitive: row.default_sensitive,
    language: row.default_language,
  },
});

/**
 * The media listed in `ids` (an SQL expression for a bigint[]), as a JSON array in that order; ids as text, to keep
 * all 64 bits. Ids that name no upload are left out.
 */
export const mediaJson = (ids: string) => `CASE WHEN ${ids} = '{}' THEN '[]'::json ELSE (
  SELECT coalesce(json_agg(json_build_object('id', m.id::text, 'file_key', m.file_key, 'preview_key', m.preview_key,
    'width', m.width, 'height', m.height, 'preview_width', m.preview_width, 'preview_height', m.preview_height,
    'focus_x', m.focus_x, 'focus_y', m.focus_y, 'description', m.description, 'blurhash', m.blurhash)
    ORDER BY array_position(${ids}, m.id)), '[]'::json)
  FROM media_attachments m WHERE m.id = ANY(${ids})) END`;

export interface MediaJson {
  id: string;
  file_key: string;
  preview_key: string;
  width: number;
  height: number;
  preview_width: number;
  preview_height: number;
  focus_x: number;
  focus_y: number;
  description: string;
  blurhash: string | null;
}

export const toAttachedMedia = (row: MediaJson): AttachedMedia => ({
  id: BigInt(row.id),
  fileKey: row.file_key,
  previewKey: row.preview_key,
  width: toNumber(row.width),
  height: toNumber(row.height),
  previewWidth: toNumber(row.preview_width),
  previewHeight: toNumber(row.preview_height),
  focus: { x: toNumber(row.focus_x), y: toNumber(row.focus_y) },
  description: row.description,
  blurhash: row.blurhash,
});

export const TWEET_COLUMNS = `t.id, t.author_id, t.text, t.status, t.reply_to_id, t.retweet_of_id, t.like_count,
  t.retweet_count, t.reply_count, t.created_at, t.visibility, t.language, t.spoiler_text, t.sensitive,
  (SELECT p.author_id FROM tweets p WHERE p.id = t.reply_to_id) AS reply_to_author_id,
  ARRAY(SELECT tm.account_id FROM tweet_mentions tm WHERE tm.tweet_id = t.id ORDER BY tm.account_id) AS mention_ids,
  ARRAY(SELECT h.tag FROM tweet_hashtags h WHERE h.tweet_id = t.id ORDER BY h.tag) AS hashtags,
  t.edited_at, ${mediaJson('t.media_ids')} AS media`;

export interface TweetRow {
  id: unknown;
  author_id: unknown;
  text: string;
  status: TweetStatus;
  reply_to_id: unknown;
  reply_to_author_id: unknown;
  retweet_of_id: unknown;
  visibility: Visibility;
  language: string | null;
  spoiler_text: string;
  sensitive: boolean;
  like_count: unknown;
  retweet_count: unknown;
  reply_count: unknown;
  created_at: Date;
  mention_ids: unknown[];
  hashtags: string[];
  edited_at: Date | null;
  media: MediaJson[];
}

const optionalId = (value: unknown): bigint | null =>
  value === null || value === undefined ? null : toBigInt(value);

export const toTweet = (row: TweetRow): Tweet => ({
  id: toBigInt(row.id),
  authorId: toBigInt(row.author_id),
  text: row.text,
  status: row.status,
  replyToId: optionalId(row.reply_to_id),
  replyToAuthorId: optionalId(row.reply_to_author_id),
  retweetOfId: optionalId(row.retweet_of_id),
  visibility: row.visibility,
  language: row.language,
  spoilerText: row.spoiler_text,
  sensitive: row.sensitive,
  likeCount: toNumber(row.like_count),
  retweetCount: toNumber(row.retweet_count),
  replyCount: toNumber(row.reply_count),
  createdAt: new Date(row.created_at),
  mentionIds: row.mention_ids.map(toBigInt),
  hashtags: row.hashtags,
  media: row.media.map(toAttachedMedia),
  editedAt: row.edited_at === null ? null : new Date(row.edited_at),
});

export interface EntryRow {
  id: unknown;
  author_id: unknown;
}

export const toEntry = (row: EntryRow) => ({ tweetId: toBigInt(row.id), authorId: toBigInt(row.author_id) });

/** The entries a keyset window query returns (`id, author_id`, read in windowOrder), newest first. */
export async function windowEntries(
  db: SqlExecutor,
  sql: string,
  params: unknown[],
  window: IdWindow,
): Promise<TimelineEntry[]> {
  return newestFirst(await db.query<EntryRow>(sql, params), window).map(toEntry);
}
