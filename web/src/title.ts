/** The tab's title: "(3) Notifications · Starling" — the unread count, the page, the site. */
let page: string | null = null;
let unread = '';

function draw() {
  const count = unread ? `(${unread}) ` : '';
  document.title = `${count}${page ? `${page} · ` : ''}Starling`;
}

export function setPageTitle(name: string | null): void {
  page = name;
  draw();
}

/** The count as shown ("3", "40+"); empty or "0" shows none. */
export function setTitleCount(count: string): void {
  unread = count === '0' ? '' : count;
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
