import twitterText from 'twitter-text';
import { validationFailed } from './errors.js';

export const MAX_WEIGHTED_LENGTH = 280;

/**
 * C0 controls other than tab, line feed and carriage return, and DEL: they have no place in text people read, and
 * PostgreSQL cannot store NUL at all. twitter-text counts them, so this rule comes first.
 */
// biome-ignore lint/suspicious/noControlCharactersInRegex: matching control characters is the point
export const CONTROL_CHARACTERS = /[\u0000-\u0008\u000b\u000c\u000e-\u001f\u007f]/;

export interface TweetText {
  /** The text as stored: NFC-normalised. */
  text: string;
  weightedLength: number;
  /** Handles mentioned, lower-cased, each once, in order of appearance. */
  mentions: string[];
  /** Hashtags without '#', lower-cased, each once, in order of appearance. */
  hashtags: string[];
}

/**
 * How hashtags are stored and searched: compatibility-normalised (full-width letters become ASCII, ligatures split)
 * and lower-cased, so #Ｒｕｓｔ, #RUST and #rust are one tag.
 */
export const normalizeTag = (tag: string): string => tag.normalize('NFKC').toLowerCase();

const dedupe = (values: string[]): string[] => [...new Set(values)];

/**
 * Applies the tweet text rules: NFC first, then twitter-text's weighted length (URLs count 23, most CJK and emoji
 * count 2) must be 1–280. Text that is only white space, or that is not well-formed UTF-16, is refused — unless
 * `allowEmpty` (a post with images), when no text at all is fine.
 */
export function parseTweetText(raw: string, { allowEmpty = false } = {}): TweetText {
  if (!raw.isWellFormed()) throw validationFailed('text contains an unpaired surrogate');
  if (CONTROL_CHARACTERS.test(raw)) throw validationFailed('text contains control characters');
  const text = raw.normalize('NFC');
  if (text.trim().length === 0) {
    // A post of images alone has no text (and says so with none, not with white space).
    if (allowEmpty) return { text: '', weightedLength: 0, mentions: [], hashtags: [] };
    throw validationFailed('text must not be empty');
  }
  const parsed = twitterText.parseTweet(text);
  if (!parsed.valid) {
    if (parsed.weightedLength > MAX_WEIGHTED_LENGTH) {
      throw validationFailed(`text is ${parsed.weightedLength} long; the limit is ${MAX_WEIGHTED_LENGTH}`);
    }
    throw validationFailed('text contains characters that are not allowed');
  }
  return {
    text,
    weightedLength: parsed.weightedLength,
    mentions: dedupe(twitterText.extractMentions(text).map((handle) => handle.toLowerCase())),
    hashtags: dedupe(twitterText.extractHashtags(text).map(normalizeTag)),
  };
}

/**
 * A content warning: plain text like a tweet's (NFC, no control characters, surrounding space trimmed), counted
 * toward the same 280 as the text it covers (`textLength`), as Mastodon counts it. Empty means none.
 */
export function parseSpoilerText(raw: string, textLength: number): string {
  if (!raw.isWellFormed()) throw validationFailed('spoiler_text contains an unpaired surrogate');
  if (CONTROL_CHARACTERS.test(raw)) throw validationFailed('spoiler_text contains control characters');
  const spoiler = raw.normalize('NFC').trim();
  if (spoiler === '') return '';
  const length = twitterText.parseTweet(spoiler).weightedLength;
  if (length + textLength > MAX_WEIGHTED_LENGTH) {
    throw validationFailed(
      `text and spoiler_text are ${length + textLength} long together; the limit is ${MAX_WEIGHTED_LENGTH}`,
    );
  }
  return spoiler;
}

const LANGUAGE = /^[a-z]{2,3}$/;

/** An ISO 639 language code (two or three letters, any case), lower-cased; empty means unknown. */
export function parseLanguage(raw: string): string | null {
  const code = raw.trim().toLowerCase();
  if (code === '') return null;
  if (!LANGUAGE.test(code)) throw validationFailed('language must be an ISO 639 code such as "en"');
  return code;
}
