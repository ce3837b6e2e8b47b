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
