/** What a view gets: its path parameters, the query, where to draw, and a signal that fires when it is left. */
export interface ViewContext {
  params: Record<string, string>;
  query: URLSearchParams;
  root: HTMLElement;
  signal: AbortSignal;
}

export type View = (context: ViewContext) => void | Promise<void>;

interface Route {
  pattern: RegExp;
  names: string[];
  view: View;
}

const routes: Route[] = [];
let notFound: View = () => undefined;
let current: AbortController | undefined;
let root: HTMLElement;
const afterListeners = new Set<(path: string) => void>();

/** `/tweets/:id` style patterns; a parameter matches one path segment. */
export function route(path: string, view: View): void {
  const names: string[] = [];
  const source = path
    .split('/')
    .map((part) => {
      const param = /^(.*?):([a-z]+)$/.exec(part);
      if (!param) return part.replace(/[.*+?^${}()|[\]\\]/g, '\\$&');
      names.push(param[2] ?? '');
      return `${(param[1] ?? '').replace(/[.*+?^${}()|[\]\\]/g, '\\$&')}([^/]+)`;
    })
    .join('/');
  routes.push({ pattern: new RegExp(`^${source}/?$`), names, view });
}

export function fallback(view: View): void {
  notFound = view;
}

export function onNavigate(listener: (path: string) => void): void {
  afterListeners.add(listener);
}

async function render(): Promise<void> {
  current?.abort();
  const controller = new AbortController();
  current = controller;
  const { pathname, search } = window.location;
  let view = notFound;
  let params: Record<string, string> = {};
  for (const candidate of routes) {
    const match = candidate.pattern.exec(pathname);
    if (!match) continue;
    view = candidate.view;
    params = Object.fromEntries(
      candidate.names.map((name, i) => [name, decodeURIComponent(match[i + 1] ?? '')]),
    );
    break;
  }
  root.replaceChildren();
  for (const listener of afterListeners) listener(pathname);
  await view({ params, query: new URLSearchParams(search), root, signal: controller.signal });
}

export function navigate(path: string, { replace = false } = {}): void {
  if (replace) history.replaceState(null, '', path);
  else history.pushState(null, '', path);
  window.scrollTo(0, 0);
  void render();
}

/** Re-draws the current view (after signing in or out). */
export function refresh(): void {
  void render();
}

/** Same-origin links to the app's own pages are followed without a reload. */
function interceptLinks(event: MouseEvent) {
  if (event.defaultPrevented || event.button !== 0) return;
  if (event.metaKey || event.ctrlKey || event.shiftKey || event.altKey) return;
  const anchor = (event.target as Element | null)?.closest?.('a');
  if (!anchor || anchor.target || anchor.hasAttribute('download')) return;
  const url = new URL(anchor.href, window.location.href);
  if (
    url.origin !== window.location.origin ||
    /^\/(api|oauth|nodeinfo|\.well-known|metrics|healthz|readyz)(\/|$)/.test(url.pathname)
  )
    return;
  event.preventDefault();
  navigate(url.pathname + url.search + url.hash);
}

export function startRouter(element: HTMLElement): void {
  root = element;
  document.addEventListener('click', interceptLinks);
  window.addEventListener('popstate', () => void render());
  void render();
}
