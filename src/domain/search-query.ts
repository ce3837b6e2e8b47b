import twitterText from 'twitter-text';
import { validationFailed } from './errors.js';
import { isHandle } from './handle.js';
import { CONTROL_CHARACTERS, normalizeTag } from './tweet-text.js';

/**
 * What `GET /search/tweets?q=` asks for, every part required (AND): words and "quoted phrases" matched in the text,
 * `#hashtags` and `@handles` matched exactly.
 */
export interface TweetQuery {
  /** Each a run of words that must appear in this order; a single word is a phrase of one. */
  phrases: string[];
  /** Normalised like stored hashtags, without '#'. */
  hashtags: string[];
  /** Lower-cased handles, without '@'. */
  mentions: string[];
}

/** What `GET /search/accounts?q=` asks for: a handle prefix, words of a display name (each a prefix), or both. */
export interface AccountQuery {
  /** Lower-cased; null when the query cannot be the start of a handle. */
  handlePrefix: string | null;
  /** Lower-cased words, each matched as the start of a word of the display name. */
  nameWords: string[];
}

const MAX_QUERY_LENGTH = 256;
/** More terms than this make a query costly and are almost never meant. */
const MAX_TERMS = 12;
const SEARCHABLE = /[\p{L}\p{N}]/u;

function checkRaw(raw: string): string {
  const q = raw.normalize('NFC').trim();
  if (q.length === 0) throw validationFailed('q must not be empty');
  if (q.length > MAX_QUERY_LENGTH) throw validationFailed(`q is longer than ${MAX_QUERY_LENGTH} characters`);
  if (CONTROL_CHARACTERS.test(q) || !q.isWellFormed())
    throw validationFailed('q contains characters that are not allowed');
  return q;
}

function hashtagOf(token: string): string {
  const [tag] = twitterText.extractHashtags(token);
  if (tag === undefined || `#${tag}` !== token) throw validationFailed(`${token} is not a hashtag`);
  return normalizeTag(tag);
}

function handleOf(token: string): string {
  const handle = token.slice(1);
  if (!isHandle(handle)) throw validationFailed(`${token} is not a handle`);
  return handle.toLowerCase();
}

export function parseTweetQuery(raw: string): TweetQuery {
  const q = checkRaw(raw);
  if ((q.match(/"/g)?.length ?? 0) % 2 === 1)
    throw validationFailed('q has a quoted phrase that is not closed');
  const query: TweetQuery = { phrases: [], hashtags: [], mentions: [] };
  for (const [, quoted, bare] of q.matchAll(/"([^"]*)"|(\S+)/g)) {
    if (quoted !== undefined) {
      const phrase = quoted.trim().replace(/\s+/g, ' ');
      if (SEARCHABLE.test(phrase)) query.phrases.push(phrase);
    } else if (bare?.startsWith('#')) {
      query.hashtags.push(hashtagOf(bare));
    } else if (bare?.startsWith('@')) {
      query.mentions.push(handleOf(bare));
    } else if (bare !== undefined && SEARCHABLE.test(bare)) {
      query.phrases.push(bare);
    }
  }
  const terms = query.phrases.length + query.hashtags.length + query.mentions.length;
  if (terms === 0) throw validationFailed('q has no words, hashtags or handles to search for');
  if (terms > MAX_TERMS) throw validationFailed(`q has more than ${MAX_TERMS} terms`);
  return query;
}

export function parseAccountQuery(raw: string): AccountQuery {
  const q = checkRaw(raw);
  const bare = q.startsWith('@') ? q.slice(1) : q;
  const handlePrefix = isHandle(bare) ? bare.toLowerCase() : null;
  const nameWords = [...new Set(q.toLowerCase().match(/[\p{L}\p{N}]+/gu) ?? [])];
  if (handlePrefix === null && nameWords.length === 0) throw validationFailed('q has nothing to search for');
  if (nameWords.length > MAX_TERMS) throw validationFailed(`q has more than ${MAX_TERMS} words`);
  return { handlePrefix, nameWords };
}

/** What a hashtag search asks for: the start of a tag, normalised like stored tags; null if it cannot start one. */
export function parseHashtagPrefix(raw: string): string | null {
  const q = checkRaw(raw);
  const bare = q.startsWith('#') ? q.slice(1) : q;
  const [tag] = twitterText.extractHashtags(`#${bare}`);
  return tag === undefined || tag !== bare ? null : normalizeTag(tag);
}
