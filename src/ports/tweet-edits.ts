import type { AttachedMedia, Tweet } from '../domain/model.js';
import type { AuthorEvent } from './outbox.js';

/** A post as its author rewrites it: everything an edit may change. */
export interface TweetRevision {
  text: string;
  spoilerText: string;
  sensitive: boolean;
  language: string | null;
  /** The images, in order: those the post has, and the author's own unattached uploads to add. */
  mediaIds: readonly bigint[];
  /** Lower-cased handles and tags of the new text (only handles of existing accounts are linked). */
  mentions: readonly string[];
  hashtags: readonly string[];
  editedAt: Date;
}

/** One version of a post, as its history lists it. */
export interface TweetVersion {
  createdAt: Date;
  text: string;
  spoilerText: string;
  sensitive: boolean;
  language: string | null;
  media: AttachedMedia[];
}

/** Edits of posts, and their history. */
export interface TweetEditStore {
  /**
   * Rewrites the author's active post (not a boost) and enqueues `event`, atomically: the version it replaces is kept
   * in the history, the mentions, hashtags and search document follow the new text, the images are attached; counters
   * and replies stay. A revision that changes nothing writes nothing and answers the post as it is. Null when the
   * author has no such post (nobody edits, or learns of, another's); a validation error, and nothing written, when an
   * image is not the author's own unattached upload.
   */
  edit(authorId: bigint, tweetId: bigint, revision: TweetRevision, event: AuthorEvent): Promise<Tweet | null>;
  /** The earlier versions of a post, oldest first (the original first); empty for a post never edited. */
  earlierVersions(tweetId: bigint): Promise<TweetVersion[]>;
}
