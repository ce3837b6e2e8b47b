import { expect } from 'vitest';
import type { Harness, Reply, User } from './harness.js';

/**
 * What tests do through the client API again and again — post, follow, read a timeline page by page — in one place,
 * so each test says only what it is about.
 */

/** The URL a `Link` header gives for `rel` (RFC 8288), or null when it has none. */
export function linkOf(reply: Reply, rel: 'next' | 'prev'): string | null {
  const header = reply.headers.link;
  if (typeof header !== 'string') return null;
  for (const part of header.split(',')) {
    const match = /^\s*<([^>]*)>\s*;\s*rel="([^"]*)"\s*$/.exec(part);
    if (match?.[2] === rel) return match[1] ?? null;
  }
  return null;
}

/** An absolute URL as a path and query, which is what the in-process requests take. */
export const pathOf = (url: string): string => {
  const parsed = new URL(url);
  return `${parsed.pathname}${parsed.search}`;
};

/** A Status's `content` as the text it shows: tags gone, line breaks back, entities decoded. */
export function plain(status: { content: string }): string {
  return status.content
    .replace(/<\/p><p>/g, '\n\n')
    .replace(/<br \/>/g, '\n')
    .replace(/<[^>]+>/g, '')
    .replace(/&#(\d+);/g, (_, code: string) => String.fromCharCode(Number(code)));
}

export const ids = (reply: Reply): string[] => (reply.body as { id: string }[]).map((s) => s.id);
export const texts = (reply: Reply): string[] => (reply.body as { content: string }[]).map(plain);

/** Posts a status and answers its id; anything but 200 fails the test. */
export async function post(h: Harness, user: User, text: string, extra: Record<string, unknown> = {}) {
  const reply = await h.call('POST', '/api/v1/statuses', {
    token: user.token,
    body: { status: text, ...extra },
  });
  expect(reply.status, JSON.stringify(reply.body)).toBe(200);
  return reply.body.id as string;
}

export const follow = (h: Harness, user: User, target: User) =>
  h.call('POST', `/api/v1/accounts/${target.id}/follow`, { token: user.token });
export const unfollow = (h: Harness, user: User, target: User) =>
  h.call('POST', `/api/v1/accounts/${target.id}/unfollow`, { token: user.token });

export const home = (h: Harness, user: User, query = '') =>
  h.call('GET', `/api/v1/timelines/home${query}`, { token: user.token });

/** A whole paged list: the first page, then every `rel="next"` link until there is none. */
export async function allPages(
  h: Harness,
  url: string,
  options: { token?: string; afterPage?: (index: number) => Promise<void> } = {},
): Promise<{ ids: string[]; pages: number }> {
  const seen: string[] = [];
  let next: string | null = url;
  let pages = 0;
  while (next !== null) {
    const reply = await h.call('GET', next, { token: options.token });
    expect(reply.status, `${next}: ${JSON.stringify(reply.body)}`).toBe(200);
    seen.push(...ids(reply));
    const link = linkOf(reply, 'next');
    next = link === null ? null : pathOf(link);
    await options.afterPage?.(pages);
    pages += 1;
    // A link that never ends is a bug of its own; stop rather than loop.
    expect(pages).toBeLessThan(1_000);
  }
  return { ids: seen, pages };
}

/**
 * Catching up as a client does: from `url` (a `min_id` page), every `rel="prev"` link until a page comes back
 * empty. Answers the ids in the order they were listed overall, newest first, and how many pages it took.
 */
export async function catchUp(
  h: Harness,
  url: string,
  token?: string,
): Promise<{ ids: string[]; pages: number }> {
  const older: string[][] = [];
  let next: string | null = url;
  let pages = 0;
  while (next !== null) {
    const reply = await h.call('GET', next, { token });
    expect(reply.status, `${next}: ${JSON.stringify(reply.body)}`).toBe(200);
    const page = ids(reply);
    older.push(page);
    const link = linkOf(reply, 'prev');
    next = page.length === 0 || link === null ? null : pathOf(link);
    pages += 1;
    expect(pages).toBeLessThan(1_000);
  }
  return { ids: older.reverse().flat(), pages };
}
