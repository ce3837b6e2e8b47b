import { storedTag } from '../../services/lists.js';

/**
 * The streams a client may ask for, by Mastodon's names. Every account is local, so `public` and `public:local` are
 * the same stream, and the `remote` ones never carry anything; nor does `direct` (Starling has no direct messages).
 */
export const STREAM_NAMES = [
  'user',
  'user:notification',
  'public',
  'public:media',
  'public:local',
  'public:local:media',
  'public:remote',
  'public:remote:media',
  'hashtag',
  'hashtag:local',
  'direct',
  'list',
] as const;
export type StreamName = (typeof STREAM_NAMES)[number];

const NAMES: ReadonlySet<string> = new Set(STREAM_NAMES);

/** One stream a connection is subscribed to: its name, and its hashtag for the hashtag streams. */
export interface StreamSpec {
  name: StreamName;
  /** The tag as the client gave it (the frames echo it), for `hashtag` and `hashtag:local`. */
  tag?: string;
  /** The tag as posts carry it; null when no post can carry it (the stream then never carries anything). */
  storedTag?: string | null;
}

/** A stream request that cannot be served, told to the client as Mastodon tells it: a message and a status. */
export interface StreamRefusal {
  error: string;
  status: number;
}

const MAX_TAG_LENGTH = 200;

/** The stream named by a client (the `stream` parameter, or a subscribe message), or why it cannot be had. */
export function parseStream(
  name: unknown,
  params: { tag?: unknown; list?: unknown },
): StreamSpec | StreamRefusal {
  if (typeof name !== 'string' || !NAMES.has(name)) return { error: 'Unknown stream type', status: 400 };
  const stream = name as StreamName;
  if (stream === 'hashtag' || stream === 'hashtag:local') {
    const tag = params.tag;
    if (typeof tag !== 'string' || tag.length === 0 || tag.length > MAX_TAG_LENGTH) {
      return { error: 'Missing or invalid tag name parameter', status: 400 };
    }
    return { name: stream, tag, storedTag: storedTag(tag) };
  }
  // Starling has no lists: every list id names nothing the caller owns.
  if (stream === 'list') return { error: 'Permission denied', status: 401 };
  return { name: stream };
}

export const isRefusal = (parsed: StreamSpec | StreamRefusal): parsed is StreamRefusal => 'error' in parsed;

/** The `stream` of a frame: the name, and the tag it was asked with (masto.js matches frames to subscriptions by it). */
export const streamLabel = (spec: StreamSpec): string[] =>
  spec.tag === undefined ? [spec.name] : [spec.name, spec.tag];

/** Two subscriptions are the same stream when their labels are. */
export const streamKey = (spec: StreamSpec): string => streamLabel(spec).join('\u0000');

/** Streams of one account's own: they need an account's token, whatever the server allows for the public ones. */
export const isPrivateStream = (spec: StreamSpec): boolean =>
  spec.name === 'user' || spec.name === 'user:notification' || spec.name === 'direct';

/** The scope a stream needs of the token (Mastodon's: statuses for timelines, notifications for notifications). */
export const scopeOf = (spec: StreamSpec): 'read:statuses' | 'read:notifications' | null =>
  spec.name === 'user:notification' ? 'read:notifications' : isPrivateStream(spec) ? 'read:statuses' : null;

/** The SSE paths, as Mastodon names them, with the stream each one is. */
export function streamOfPath(path: string, onlyMedia: boolean): StreamName | undefined {
  switch (path) {
    case 'user':
      return 'user';
    case 'user/notification':
      return 'user:notification';
    case 'public':
      return onlyMedia ? 'public:media' : 'public';
    case 'public/local':
      return onlyMedia ? 'public:local:media' : 'public:local';
    case 'public/remote':
      return onlyMedia ? 'public:remote:media' : 'public:remote';
    case 'hashtag':
      return 'hashtag';
    case 'hashtag/local':
      return 'hashtag:local';
    case 'direct':
      return 'direct';
    case 'list':
      return 'list';
    default:
      return undefined;
  }
}
