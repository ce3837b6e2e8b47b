import {
  type AttachedMedia,
  type Tweet,
  type TweetStatus,
  VISIBILITIES,
  type Visibility,
} from '../../domain/model.js';

/**
 * A tweet body as stored in Redis: JSON with ids as decimal strings (JSON numbers lose precision above 2^53) and the
 * creation time as epoch milliseconds (exactly what a Date holds). Short field names, because millions of bodies are
 * cached; `v` names the layout, so processes of two versions sharing a cache during a deploy treat each other's
 * bodies as misses instead of misreading them.
 */
interface StoredTweet {
  v: 3;
  id: string;
  au: string;
  tx: string;
  st: TweetStatus;
  re: string | null;
  ra: string | null;
  rt: string | null;
  vi: Visibility;
  la: string | null;
  sp: string;
  se: boolean;
  lc: number;
  rc: number;
  pc: number;
  at: number;
  mn: string[];
  ht: string[];
  /** Edited at (epoch ms), or null. */
  ed: number | null;
  md: StoredMedia[];
}

/** An attached image: id, file and preview keys, sizes, focus, alt text and BlurHash. */
interface StoredMedia {
  id: string;
  k: string;
  p: string;
  w: number;
  h: number;
  pw: number;
  ph: number;
  fx: number;
  fy: number;
  d: string;
  b: string | null;
}

const encodeMedia = (m: AttachedMedia): StoredMedia => ({
  id: m.id.toString(),
  k: m.fileKey,
  p: m.previewKey,
  w: m.width,
  h: m.height,
  pw: m.previewWidth,
  ph: m.previewHeight,
  fx: m.focus.x,
  fy: m.focus.y,
  d: m.description,
  b: m.blurhash,
});

const decodeMedia = (m: StoredMedia): AttachedMedia => ({
  id: BigInt(m.id),
  fileKey: m.k,
  previewKey: m.p,
  width: m.w,
  height: m.h,
  previewWidth: m.pw,
  previewHeight: m.ph,
  focus: { x: m.fx, y: m.fy },
  description: m.d,
  blurhash: m.b,
});

const STATUSES: ReadonlySet<unknown> = new Set<TweetStatus>(['ACTIVE', 'DELETED', 'HIDDEN']);
const VISIBILITY: ReadonlySet<unknown> = new Set(VISIBILITIES);
const ID = /^[0-9]{1,20}$/;

export function encodeTweet(tweet: Tweet): string {
  const stored: StoredTweet = {
    v: 3,
    id: tweet.id.toString(),
    au: tweet.authorId.toString(),
    tx: tweet.text,
    st: tweet.status,
    re: tweet.replyToId?.toString() ?? null,
    ra: tweet.replyToAuthorId?.toString() ?? null,
    rt: tweet.retweetOfId?.toString() ?? null,
    vi: tweet.visibility,
    la: tweet.language,
    sp: tweet.spoilerText,
    se: tweet.sensitive,
    lc: tweet.likeCount,
    rc: tweet.retweetCount,
    pc: tweet.replyCount,
    at: tweet.createdAt.getTime(),
    mn: tweet.mentionIds.map(String),
    ht: tweet.hashtags,
    ed: tweet.editedAt?.getTime() ?? null,
    md: tweet.media.map(encodeMedia),
  };
  return JSON.stringify(stored);
}

/** The tweet, or null when `raw` is not a body this layout wrote (the caller treats it as a miss). */
export function decodeTweet(raw: string): Tweet | null {
  let parsed: unknown;
  try {
    parsed = JSON.parse(raw);
  } catch {
    return null;
  }
  if (!isStoredTweet(parsed)) return null;
  return {
    id: BigInt(parsed.id),
    authorId: BigInt(parsed.au),
    text: parsed.tx,
    status: parsed.st,
    replyToId: parsed.re === null ? null : BigInt(parsed.re),
    replyToAuthorId: parsed.ra === null ? null : BigInt(parsed.ra),
    retweetOfId: parsed.rt === null ? null : BigInt(parsed.rt),
    visibility: parsed.vi,
    language: parsed.la,
    spoilerText: parsed.sp,
    sensitive: parsed.se,
    likeCount: parsed.lc,
    retweetCount: parsed.rc,
    replyCount: parsed.pc,
    createdAt: new Date(parsed.at),
    mentionIds: parsed.mn.map(BigInt),
    hashtags: parsed.ht,
    media: parsed.md.map(decodeMedia),
    editedAt: parsed.ed === null ? null : new Date(parsed.ed),
  };
}

function isStoredMedia(value: unknown): value is StoredMedia {
  if (typeof value !== 'object' || value === null) return false;
  const m = value as Record<string, unknown>;
  const size = (v: unknown) => Number.isSafeInteger(v) && (v as number) > 0;
  const unit = (v: unknown) => typeof v === 'number' && Math.abs(v) <= 1;
  return (
    typeof m.id === 'string' &&
    ID.test(m.id) &&
    typeof m.k === 'string' &&
    typeof m.p === 'string' &&
    size(m.w) &&
    size(m.h) &&
    size(m.pw) &&
    size(m.ph) &&
    unit(m.fx) &&
    unit(m.fy) &&
    typeof m.d === 'string' &&
    (m.b === null || typeof m.b === 'string')
  );
}

function isStoredTweet(value: unknown): value is StoredTweet {
  if (typeof value !== 'object' || value === null) return false;
  const s = value as Record<string, unknown>;
  const id = (v: unknown) => typeof v === 'string' && ID.test(v);
  const count = (v: unknown) => Number.isSafeInteger(v);
  const strings = (v: unknown) => Array.isArray(v) && v.every((item) => typeof item === 'string');
  return (
    s.v === 3 &&
    id(s.id) &&
    id(s.au) &&
    typeof s.tx === 'string' &&
    STATUSES.has(s.st) &&
    (s.re === null || id(s.re)) &&
    (s.ra === null || id(s.ra)) &&
    (s.rt === null || id(s.rt)) &&
    VISIBILITY.has(s.vi) &&
    (s.la === null || typeof s.la === 'string') &&
    typeof s.sp === 'string' &&
    typeof s.se === 'boolean' &&
    count(s.lc) &&
    count(s.rc) &&
    count(s.pc) &&
    count(s.at) &&
    Array.isArray(s.mn) &&
    s.mn.every(id) &&
    strings(s.ht) &&
    (s.ed === null || count(s.ed)) &&
    Array.isArray(s.md) &&
    s.md.every(isStoredMedia)
  );
}
