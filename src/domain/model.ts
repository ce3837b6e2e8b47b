/** The records the services trade in. Ids are bigint inside; only the HTTP layer turns them into strings. */

import type { FanoutMode } from './fanout-mode.js';

export type { CelebrityRule, FanoutMode } from './fanout-mode.js';

export interface Account {
  id: bigint;
  handle: string;
  displayName: string;
  createdAt: Date;
  followersCount: number;
  followingCount: number;
  tweetsCount: number;
  fanoutMode: FanoutMode;
  /** The bio as its owner typed it (plain text; shown as HTML). */
  note: string;
  /** Up to four name/value pairs, plain text like the bio. */
  fields: ProfileField[];
  /** Lower-cased handles the note and fields mention that named accounts when written: shown as links. */
  profileMentions: string[];
  /** Files in the media store; null for the default images. */
  avatarKey: string | null;
  headerKey: string | null;
  bot: boolean;
  discoverable: boolean;
  /** What the owner's clients post with unless told otherwise. */
  defaults: PostingDefaults;
}

export interface ProfileField {
  name: string;
  value: string;
}

export interface PostingDefaults {
  privacy: Visibility;
  sensitive: boolean;
  language: string | null;
}

/** An image as a post carries it: its files in the media store, their sizes, and what its owner says of it. */
export interface AttachedMedia {
  id: bigint;
  fileKey: string;
  previewKey: string;
  width: number;
  height: number;
  previewWidth: number;
  previewHeight: number;
  /** Where the image's subject is, each from -1 to 1 (0, 0 is the centre; y grows upwards), for cropping. */
  focus: { x: number; y: number };
  /** Alt text; empty when there is none. */
  description: string;
  blurhash: string | null;
}

/** An uploaded image, with whose it is and the post it is attached to (null until a post lists it). */
export interface MediaAttachment extends AttachedMedia {
  accountId: bigint;
  tweetId: bigint | null;
  createdAt: Date;
}

export type TweetStatus = 'ACTIVE' | 'DELETED' | 'HIDDEN';

/**
 * Who sees a post: `public` everywhere; `unlisted` on the author's page and in followers' home timelines, but in no
 * public timeline, hashtag timeline or search.
 */
export type Visibility = 'public' | 'unlisted';
export const VISIBILITIES: readonly Visibility[] = ['public', 'unlisted'];

export interface Tweet {
  id: bigint;
  authorId: bigint;
  text: string;
  status: TweetStatus;
  replyToId: bigint | null;
  /** The author of the tweet replied to (known from the reply itself, so a thread shows whom it answers). */
  replyToAuthorId: bigint | null;
  retweetOfId: bigint | null;
  visibility: Visibility;
  /** ISO 639-1 code the author gave, or null. */
  language: string | null;
  /** A content warning shown before the text; empty when there is none. */
  spoilerText: string;
  sensitive: boolean;
  likeCount: number;
  retweetCount: number;
  replyCount: number;
  createdAt: Date;
  /** Accounts mentioned (and so linked), each once. */
  mentionIds: bigint[];
  /** Normalised tags, without '#'. */
  hashtags: string[];
  /** Images, in the order the post lists them. */
  media: AttachedMedia[];
  /** When the text (or anything else the author wrote) last changed; null if never edited. */
  editedAt: Date | null;
}

/**
 * One slot of a home timeline: the tweet (or retweet) id and its author, which is all a reader needs to merge,
 * filter unfollowed authors and page. Bodies are hydrated separately.
 */
export interface TimelineEntry {
  tweetId: bigint;
  authorId: bigint;
}

/** Ascending order of 64-bit ids (a `sort` comparator; subtraction would not fit a number). */
export const compareIds = (a: bigint, b: bigint): number => (a < b ? -1 : a > b ? 1 : 0);

/** Newest first, by id; ids are Snowflakes, so this is also time order. */
export const byIdDesc = (a: { tweetId: bigint }, b: { tweetId: bigint }): number =>
  compareIds(b.tweetId, a.tweetId);

/**
 * Keyset window over ids: `before` and `after` are exclusive bounds. A page is taken from the window's newest end, or
 * — `from: 'oldest'`, for a client catching up from `after` — from its oldest end; either way it is listed newest
 * first.
 */
export interface IdWindow {
  before?: bigint | undefined;
  after?: bigint | undefined;
  limit: number;
  from?: 'newest' | 'oldest' | undefined;
}

export const inWindow = (id: bigint, w: Omit<IdWindow, 'limit'>): boolean =>
  (w.before === undefined || id < w.before) && (w.after === undefined || id > w.after);

/** Whether a page of this window is taken from its oldest end. */
export const fromOldest = (w: Pick<IdWindow, 'from'>): boolean => w.from === 'oldest';

/**
 * A page of the window from entries sorted newest first that hold at least the page (everything in the window, or
 * its newest `limit` when taken from the newest end): the `limit` at the window's chosen end, newest first.
 */
export function pageOf<T extends { tweetId: bigint }>(sorted: readonly T[], w: IdWindow): T[] {
  const inside = sorted.filter((e) => inWindow(e.tweetId, w));
  return fromOldest(w) ? inside.slice(Math.max(0, inside.length - w.limit)) : inside.slice(0, w.limit);
}

/** A client application registered through the API (Elk, Tusky, a script): what OAuth grants tokens to. */
export interface ClientApp {
  id: bigint;
  name: string;
  website: string | null;
  redirectUris: string[];
  scopes: string[];
  clientId: string;
  createdAt: Date;
}

/**
 * What a bearer token stands for: an account (or none, for an app's own client-credentials token), the app it was
 * granted to (none for tokens older than apps), and the scopes it was granted.
 */
export interface Session {
  accountId: bigint | null;
  appId: bigint | null;
  scopes: string[];
}
