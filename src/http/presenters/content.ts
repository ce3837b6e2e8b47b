import twitterText, { type EntityWithIndices } from 'twitter-text';

/** Text made safe to put between HTML tags or inside a double-quoted attribute. */
export const escapeHtml = (text: string): string => text.replace(/[&<>"']/g, (c) => `&#${c.charCodeAt(0)};`);

const SCHEME = /^[a-z][a-z0-9+.-]*:/i;
/** Mastodon shows at most this much of a link; the rest is in the markup, hidden. */
const SHOWN_URL_LENGTH = 30;

/** A link target only if it is http(s); twitter-text finds `example.com` without a scheme, which is taken as http. */
function safeUrl(raw: string): URL | null {
  try {
    const url = new URL(SCHEME.test(raw) ? raw : `http://${raw}`);
    return url.protocol === 'http:' || url.protocol === 'https:' ? url : null;
  } catch {
    return null;
  }
}

function linkHtml(label: string, url: URL): string {
  // The scheme and what does not fit are hidden, not removed, so copying the link text copies the whole URL.
  const scheme = /^https?:\/\//i.exec(label)?.[0] ?? '';
  const rest = label.slice(scheme.length);
  const shown = rest.slice(0, SHOWN_URL_LENGTH);
  const hidden = rest.slice(SHOWN_URL_LENGTH);
  return (
    `<a href="${escapeHtml(url.href)}" target="_blank" rel="nofollow noopener noreferrer" translate="no">` +
    `<span class="invisible">${escapeHtml(scheme)}</span>` +
    `<span class="${hidden ? 'ellipsis' : ''}">${escapeHtml(shown)}</span>` +
    `<span class="invisible">${escapeHtml(hidden)}</span></a>`
  );
}

function entityHtml(
  entity: EntityWithIndices,
  label: string,
  mentioned: ReadonlySet<string>,
  origin: string,
) {
  if ('url' in entity) {
    const url = safeUrl(entity.url);
    return url ? linkHtml(label, url) : escapeHtml(label);
  }
  if ('hashtag' in entity) {
    const tag = entity.hashtag;
    return (
      `<a href="${escapeHtml(`${origin}/tags/${encodeURIComponent(tag.normalize('NFKC').toLowerCase())}`)}" ` +
      `class="mention hashtag" rel="tag">#<span>${escapeHtml(tag)}</span></a>`
    );
  }
  const isList = 'listSlug' in entity && Boolean(entity.listSlug);
  if ('screenName' in entity && !isList && mentioned.has(entity.screenName.toLowerCase())) {
    const handle = entity.screenName;
    return (
      `<span class="h-card" translate="no"><a href="${escapeHtml(`${origin}/@${handle}`)}" class="u-url mention">` +
      `@<span>${escapeHtml(handle)}</span></a></span>`
    );
  }
  return escapeHtml(label);
}

const NO_HANDLES: ReadonlySet<string> = new Set();

/** The lower-cased handles of the accounts a post mentions, as {@link contentHtml} takes them (most posts: none). */
export const mentionedHandles = (mentions: readonly { handle: string }[]): ReadonlySet<string> =>
  mentions.length === 0 ? NO_HANDLES : new Set(mentions.map((a) => a.handle.toLowerCase()));

/** Plain text as paragraphs: a blank line starts a new one, a single line break stays a line break. */
const textHtml = (text: string) =>
  escapeHtml(text)
    .replace(/\r\n?/g, '\n')
    .replace(/\n{2,}/g, '</p><p>')
    .replace(/\n/g, '<br />');

/**
 * A post's `content` as Mastodon clients expect it: HTML built from the text, with links for the URLs, #hashtags and
 * @mentions that twitter-text finds (a mention only when it names an account the post mentions: `mentioned`,
 * lower-cased handles), everything else escaped. Nothing the author typed is ever markup.
 */
export function contentHtml(text: string, mentioned: ReadonlySet<string>, origin: string): string {
  if (text === '') return '';
  return rendered('p', text, mentioned, origin);
}

/** The same markup without the outer paragraph: a profile field's value, which is one line. */
export function inlineHtml(text: string, mentioned: ReadonlySet<string>, origin: string): string {
  if (text === '') return '';
  return rendered('inline', text, mentioned, origin);
}

/**
 * Values already worked out, at most `max` of them, the oldest put in going first: for memos on a hot path, where a
 * hit must cost no more than a Map lookup (an LRU moves the entry on every hit, which a profile of home reads showed
 * costing more than the misses its better choices saved). A Map iterates in insertion order, so the first key is the
 * oldest.
 */
class BoundedMemo<K, V> {
  private readonly kept = new Map<K, V>();

  constructor(private readonly max: number) {}

  /** The value kept for `key`, or `make()`'s, kept from now on (unless it is undefined). */
  get(key: K, make: () => V): V {
    const found = this.kept.get(key);
    if (found !== undefined) return found;
    const made = make();
    if (made === undefined) return made;
    if (this.kept.size >= this.max) this.kept.delete(this.kept.keys().next().value as K);
    this.kept.set(key, made);
    return made;
  }
}

/**
 * Markup already built, by everything it depends on. Finding the entities is most of what presenting a status costs
 * (twitter-text's expressions, some 30 µs for a post with a link and a hashtag), and a timeline page shows the same
 * posts and bios to every reader, over and over; an edit changes the text, and so the key. Kept by the text itself
 * within its context (form and origin; with the mentioned handles when there are any): a text decoded once is hashed
 * once, where a key built from it would be built and hashed again on every lookup.
 */
const renderings = new Map<
  string,
  { plain: BoundedMemo<string, string>; mentioning: BoundedMemo<string, string> }
>();
const RENDERINGS_KEPT = 50_000;

function rendered(
  form: 'p' | 'inline',
  text: string,
  mentioned: ReadonlySet<string>,
  origin: string,
): string {
  const context = `${form} ${origin}`;
  let kept = renderings.get(context);
  if (!kept) {
    // Without a public URL the origin comes from the Host header: any client can name a new one.
    if (renderings.size >= 16) renderings.clear();
    kept = { plain: new BoundedMemo(RENDERINGS_KEPT), mentioning: new BoundedMemo(RENDERINGS_KEPT) };
    renderings.set(context, kept);
  }
  const render = () =>
    form === 'p' ? `<p>${entitiesHtml(text, mentioned, origin)}</p>` : entitiesHtml(text, mentioned, origin);
  return mentioned.size === 0
    ? kept.plain.get(text, render)
    : kept.mentioning.get(`${[...mentioned].join(' ')}\n${text}`, render);
}

function entitiesHtml(text: string, mentioned: ReadonlySet<string>, origin: string): string {
  let html = '';
  let at = 0;
  for (const entity of twitterText.extractEntitiesWithIndices(text)) {
    const [start, end] = entity.indices;
    if (start < at || end > text.length) continue;
    html += textHtml(text.slice(at, start)) + entityHtml(entity, text.slice(start, end), mentioned, origin);
    at = end;
  }
  html += textHtml(text.slice(at));
  return html;
}
