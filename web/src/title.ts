/** The tab's title: "(3) Notifications · Starling" — the unread count, the page, the site. */
let page: string | null = null;
let unread = 0;

function draw() {
  const count = unread > 0 ? `(${unread}) ` : '';
  document.title = `${count}${page ? `${page} · ` : ''}Starling`;
}

export function setPageTitle(name: string | null): void {
  page = name;
  draw();
}

export function setTitleCount(count: number): void {
  unread = count;
  draw();
}

const FIXED: Record<string, string> = {
  '/': 'Home',
  '/notifications': 'Notifications',
  '/mentions': 'Mentions',
  '/search': 'Search',
  '/status': 'Status',
  '/compose': 'Post',
  '/login': 'Sign in',
  '/signup': 'Sign up',
};

/** What a page is called in the title, from its address alone (the page may still be loading). */
export function pageName(path: string): string | null {
  const fixed = FIXED[path.replace(/(.)\/$/, '$1')];
  if (fixed) return fixed;
  if (/^\/tweets\/[^/]+\/?$/.test(path) || /^\/@[^/]+\/[^/]+\/?$/.test(path)) return 'Post';
  const handle = /^\/@([^/]+)/.exec(path)?.[1];
  if (handle) return `@${decodeURIComponent(handle)}`;
  const tag = /^\/tags\/([^/]+)/.exec(path)?.[1];
  if (tag) return `#${decodeURIComponent(tag)}`;
  return null;
}
