/**
 * The only way this client makes markup: elements built node by node, text always through text nodes. The one place
 * that reads HTML is `rich-text.ts`, which copies a status's content across through an allow-list, so text from users
 * can never become markup or script.
 */

export type Child = Node | string | number | null | undefined | false;

export interface Props {
  class?: string;
  /** Plain attributes; `href` and `src` are not accepted here (links go through {@link link}). */
  attrs?: Record<string, string>;
  dataset?: Record<string, string>;
  on?: { [K in keyof HTMLElementEventMap]?: (event: HTMLElementEventMap[K]) => void };
}

export function h<K extends keyof HTMLElementTagNameMap>(
  tag: K,
  props: Props = {},
  ...children: Child[]
): HTMLElementTagNameMap[K] {
  const element = document.createElement(tag);
  if (props.class) element.className = props.class;
  for (const [name, value] of Object.entries(props.attrs ?? {})) {
    if (/^(on|href$|src$|srcdoc$|formaction$)/i.test(name)) throw new Error(`refusing attribute ${name}`);
    element.setAttribute(name, value);
  }
  for (const [name, value] of Object.entries(props.dataset ?? {})) element.dataset[name] = value;
  for (const [name, handler] of Object.entries(props.on ?? {})) {
    element.addEventListener(name, handler as EventListener);
  }
  append(element, ...children);
  return element;
}

export function append(parent: Node, ...children: Child[]): void {
  for (const child of children) {
    if (child === null || child === undefined || child === false) continue;
    parent.appendChild(typeof child === 'object' ? child : document.createTextNode(String(child)));
  }
}

/** An in-app link: the router handles the click; the path is built by the caller from encoded parts. */
export function link(path: string, props: Props, ...children: Child[]): HTMLAnchorElement {
  const anchor = h('a', props, ...children);
  anchor.href = path;
  return anchor;
}

/** An off-site link, already checked by the caller to be http(s); it opens apart from the app. */
export function externalLink(url: URL, ...children: Child[]): HTMLAnchorElement {
  const anchor = h(
    'a',
    { class: 'external', attrs: { rel: 'noopener noreferrer nofollow ugc', target: '_blank' } },
    ...children,
  );
  anchor.href = url.href;
  return anchor;
}

export function clear(element: Element): void {
  element.replaceChildren();
}

const SVG = 'http://www.w3.org/2000/svg';

export function svg<K extends keyof SVGElementTagNameMap>(
  tag: K,
  attrs: Record<string, string | number> = {},
  ...children: SVGElement[]
): SVGElementTagNameMap[K] {
  const element = document.createElementNS(SVG, tag);
  for (const [name, value] of Object.entries(attrs)) element.setAttribute(name, String(value));
  element.append(...children);
  return element;
}

export const handlePath = (handle: string) => `/@${encodeURIComponent(handle)}`;
export const tweetPath = (id: string) => `/tweets/${encodeURIComponent(id)}`;
export const tagPath = (tag: string) => `/tags/${encodeURIComponent(tag.toLowerCase())}`;

/** Where the server keeps images: its media files and its default avatar and header. */
const SERVER_IMAGES = /^\/(?:media\/|avatars\/original\/missing\.png$|headers\/original\/missing\.png$)/;

/**
 * An image from this server, and only from it: a URL elsewhere (or any other scheme) gives no image at all, so a post
 * or profile can never make the browser load something from another site. `alt` is text, never markup.
 */
export function serverImage(raw: string, alt: string, props: Props = {}): HTMLImageElement | null {
  let url: URL;
  try {
    url = new URL(raw, window.location.href);
  } catch {
    return null;
  }
  if (url.origin !== window.location.origin || !SERVER_IMAGES.test(url.pathname)) return null;
  const image = h('img', { ...props, attrs: { alt, loading: 'lazy', decoding: 'async', ...props.attrs } });
  image.src = url.pathname;
  return image;
}

/** The account's avatar, as a small round image beside its name (decorative: the name is next to it). */
export function avatar(account: { avatar: string }, size: 'small' | 'large' = 'small'): HTMLElement {
  return (
    serverImage(account.avatar, '', { class: `avatar ${size}` }) ?? h('span', { class: `avatar ${size}` })
  );
}

/**
 * A file the reader chose and has not uploaded yet, shown from their own disk (a data: URL) as a preview. Nothing
 * from anyone else comes this way.
 */
export function localPreview(file: Blob, alt: string, props: Props = {}): HTMLImageElement {
  const image = h('img', { ...props, attrs: { alt, ...props.attrs } });
  const reader = new FileReader();
  reader.addEventListener('load', () => {
    if (typeof reader.result === 'string' && reader.result.startsWith('data:image/'))
      image.src = reader.result;
  });
  reader.readAsDataURL(file);
  return image;
}
