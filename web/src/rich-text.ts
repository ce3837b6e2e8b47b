import type { EntityWithIndices } from 'twitter-text';
import twitterText from 'twitter-text';
import { externalLink, handlePath, link } from './dom.js';

const SCHEME = /^[a-z][a-z0-9+.-]*:/i;
const ALLOWED_SCHEMES = new Set(['http:', 'https:']);

/**
 * A link target only if it is http(s). twitter-text finds `example.com` without a scheme (taken as http, as
 * twitter-text's own autolinker does); anything with another scheme (`javascript:`, `data:`) stays text.
 */
export function safeUrl(raw: string): URL | null {
  try {
    const url = new URL(SCHEME.test(raw) ? raw : `http://${raw}`);
    return ALLOWED_SCHEMES.has(url.protocol) ? url : null;
  } catch {
    return null;
  }
}

/**
 * Tweet text as DOM nodes: text nodes, with links for the URLs, @mentions and #hashtags twitter-text finds (the
 * same library, so the same entities, as the server's mention and hashtag rules). A mention links only if the server
 * linked it (`mentions`: the handles that exist, lower-cased). Each entity's text is the link's text, as typed;
 * nothing in it is interpreted.
 */
export function richText(text: string, mentions: readonly string[]): DocumentFragment {
  const linked = new Set(mentions);
  const fragment = document.createDocumentFragment();
  const entities = twitterText.extractEntitiesWithIndices(text);
  let at = 0;
  for (const entity of entities) {
    const [start, end] = entity.indices;
    if (start < at || end > text.length) continue;
    fragment.append(text.slice(at, start));
    const label = text.slice(start, end);
    fragment.append(entityNode(entity, label, linked));
    at = end;
  }
  fragment.append(text.slice(at));
  return fragment;
}

function entityNode(entity: EntityWithIndices, label: string, mentions: ReadonlySet<string>): Node {
  if ('url' in entity) {
    const url = safeUrl(entity.url);
    return url ? externalLink(url, label) : document.createTextNode(label);
  }
  if ('hashtag' in entity) {
    return link(`/search?q=${encodeURIComponent(`#${entity.hashtag}`)}`, { class: 'hashtag' }, label);
  }
  if (
    'screenName' in entity &&
    !('listSlug' in entity && entity.listSlug) &&
    mentions.has(entity.screenName.toLowerCase())
  ) {
    return link(handlePath(entity.screenName), { class: 'mention' }, label);
  }
  return document.createTextNode(label);
}
