/** What a view gets: its path parameters, the query, where to draw, and a signal that fires when it is left. */
export interface ViewContext {
  params: Record<string, string>;
  query: URLSearchParams;
  root: HTMLElement;
  signal: AbortSignal;
  /**
   * What this view kept the last time its history entry was shown (Back or Forward), and a way to keep something
   * for the next time: `save` is called when the entry is left. Undefined on a fresh visit.
   */
  keep<T>(save: () => T): T | undefined;
  /** Once the view has drawn what it kept: puts the page back where the reader had scrolled it. */
  restoreScroll(): void;
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

/** What a history entry's view kept, and its scroll position, by the entry's key (in `history.state`). */
interface Kept {
  state: unknown;
  scrollY: number;
}
const kept = new Map<string, Kept>();
/** Entries remembered at most (each holds a few pages of posts). */
const KEPT_ENTRIES = 20;
let leaving: { key: string; save: (() => unknown) | null } | undefined;

const newKey = () => Math.random().toString(36).slice(2);
function entryKey(): string {
  const state = history.state as { key?: unknown } | null;
  if (typeof state?.key === 'string') return state.key;
  const key = newKey();
  history.replaceState({ ...(state ?? {}), key }, '');
  return key;
}

/** Keeps what the view being left wants kept, with where it was scrolled. */
function saveLeaving(): void {
  if (!leaving) return;
  kept.delete(leaving.key);
  kept.set(leaving.key, { state: leaving.save?.(), scrollY: window.scrollY });
  while (kept.size > KEPT_ENTRIES) kept.delete(kept.keys().next().value as string);
  leaving = undefined;
}

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

async function render(restoring = false): Promise<void> {
  current?.abort();
  const key = entryKey();
  const memory = restoring ? kept.get(key) : undefined;
  if (!restoring) kept.delete(key);
  const entry: { key: string; save: (() => unknown) | null } = { key, save: null };
  leaving = entry;
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
  await view({
    params,
    query: new URLSearchParams(search),
    root,
    signal: controller.signal,
    keep<T>(save: () => T): T | undefined {
      entry.save = save;
      return memory?.state as T | undefined;
    },
    restoreScroll() {
      if (memory && !controller.signal.aborted) window.scrollTo(0, memory.scrollY);
    },
  });
}

export function navigate(path: string, { replace = false } = {}): void {
  saveLeaving();
  if (replace) history.replaceState({ key: newKey() }, '', path);
  else history.pushState({ key: newKey() }, '', path);
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
  // Scrolling back is the views' job: the browser would scroll before they have drawn anything.
  history.scrollRestoration = 'manual';
  window.addEventListener('pagehide', saveLeaving);
  window.addEventListener('popstate', () => {
    saveLeaving();
    void render(true);
  });
  void render();
}
