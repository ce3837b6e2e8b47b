import type { MentionJson } from './api.js';
import { externalLink, h, handlePath, link, tagPath } from './dom.js';

const ALLOWED_SCHEMES = new Set(['http:', 'https:']);

/** A link target only if it is http(s); anything else (`javascript:`, `data:`) stays text. */
export function safeUrl(raw: string): URL | null {
  try {
    const url = new URL(raw, window.location.href);
    return ALLOWED_SCHEMES.has(url.protocol) ? url : null;
  } catch {
    return null;
  }
}

/**
 * A status's `content` (HTML from the server) as DOM nodes built by this client. The HTML is parsed into an inert
 * document (DOMParser runs no script and loads nothing), then only text, paragraphs, line breaks and links are
 * copied across — links rebuilt by {@link link} and {@link externalLink}, mentions and hashtags as links to this
 * client's own pages. Every other element contributes its text alone, so no markup from a post ever reaches the page.
 */
export function statusContent(html: string, mentions: readonly MentionJson[]): DocumentFragment {
  const parsed = new DOMParser().parseFromString(`<body>${html}</body>`, 'text/html');
  const byUrl = new Map(mentions.map((m) => [m.url, m]));
  const fragment = document.createDocumentFragment();
  for (const node of parsed.body.childNodes) fragment.append(...copy(node, byUrl));
  return fragment;
}

function copy(node: Node, mentions: ReadonlyMap<string, MentionJson>): Node[] {
  if (node.nodeType === Node.TEXT_NODE) return [document.createTextNode(node.textContent ?? '')];
  if (node.nodeType !== Node.ELEMENT_NODE) return [];
  const element = node as Element;
  const children = () => [...element.childNodes].flatMap((child) => copy(child, mentions));
  switch (element.tagName) {
    case 'BR':
      return [document.createElement('br')];
    case 'P':
      return [h('p', {}, ...children())];
    case 'A':
      return [anchor(element, mentions)];
    case 'SPAN':
      // Mastodon hides a link's scheme and the end of a long URL; the text stays, for copying.
      if (element.classList.contains('invisible')) return [h('span', { class: 'invisible' }, ...children())];
      if (element.classList.contains('ellipsis')) return [h('span', { class: 'ellipsis' }, ...children())];
      return children();
    default:
      return children();
  }
}

function anchor(element: Element, mentions: ReadonlyMap<string, MentionJson>): Node {
  const label = element.textContent ?? '';
  const href = element.getAttribute('href') ?? '';
  const mention = mentions.get(href);
  if (mention && element.classList.contains('mention')) {
    return link(handlePath(mention.acct), { class: 'mention' }, label);
  }
  if (element.classList.contains('hashtag') && label.startsWith('#')) {
    return link(tagPath(label.slice(1)), { class: 'hashtag' }, label);
  }
  const url = safeUrl(href);
  if (!url) return document.createTextNode(label);
  const out = externalLink(url);
  for (const child of element.childNodes) out.append(...copy(child, mentions));
  return out;
}

/** A status's content as plain text (for a tab's title): parsed inertly, as above, and only its text kept. */
export function plainText(html: string): string {
  const parsed = new DOMParser().parseFromString(`<body>${html}</body>`, 'text/html');
  for (const paragraph of parsed.body.querySelectorAll('p, br')) paragraph.after(' ');
  return (parsed.body.textContent ?? '').replace(/\s+/g, ' ').trim();
}
