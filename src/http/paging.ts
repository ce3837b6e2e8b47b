import type { FastifyReply, FastifyRequest } from 'fastify';
import { Type } from 'typebox';
import { validationFailed } from '../domain/errors.js';
import { parseId } from '../domain/ids.js';
import type { IdWindow } from '../domain/model.js';
import type { Page } from '../services/pages.js';

/**
 * Mastodon's paging: `limit`, and `max_id` (older than), `since_id` (newer than, newest first) and `min_id` (newer
 * than, the page right above it: how clients catch up). Clients follow the `Link` header's `next` and `prev`.
 */
export const PageQuery = {
  limit: Type.Optional(Type.Integer({ minimum: 1, description: 'page size; larger values are clamped' })),
  max_id: Type.Optional(Type.String({ maxLength: 20, description: 'items older than this id' })),
  since_id: Type.Optional(
    Type.String({ maxLength: 20, description: 'items newer than this id, newest first' }),
  ),
  min_id: Type.Optional(
    Type.String({ maxLength: 20, description: 'the items right after this id (paging towards the newest)' }),
  ),
};

export interface PageQueryValues {
  limit?: number;
  max_id?: string;
  since_id?: string;
  min_id?: string;
}

export interface PageSize {
  /** Mastodon's default for the endpoint (20 for statuses, 40 for accounts). */
  fallback: number;
  max: number;
}

export const STATUS_PAGE: PageSize = { fallback: 20, max: 40 };
export const ACCOUNT_PAGE: PageSize = { fallback: 40, max: 80 };

const bound = (value: string | undefined, name: string) =>
  value === undefined || value === '' ? undefined : parseId(value, name);

export function pageWindow(query: PageQueryValues, size: PageSize): IdWindow {
  const limit = Math.min(Math.max(query.limit ?? size.fallback, 1), size.max);
  const before = bound(query.max_id, 'max_id');
  const since = bound(query.since_id, 'since_id');
  const min = bound(query.min_id, 'min_id');
  if (since !== undefined && min !== undefined) throw validationFailed('give since_id or min_id, not both');
  if (min !== undefined) return { before, after: min, limit, from: 'oldest' };
  return { before, after: since, limit };
}

/** The request's URL on the public origin with `changes` applied to its query (other parameters kept). */
function linkTo(request: FastifyRequest, origin: string, changes: Record<string, string>): string {
  const url = new URL(request.url, origin);
  for (const name of ['max_id', 'since_id', 'min_id']) url.searchParams.delete(name);
  for (const [name, value] of Object.entries(changes)) url.searchParams.set(name, value);
  return `${origin}${url.pathname}${url.search}`;
}

/** RFC 8288 `Link`: `next` to older items while there may be some, `prev` to newer ones from the page's newest. */
export function setPageLinks(
  request: FastifyRequest,
  reply: FastifyReply,
  origin: string,
  page: Pick<Page<unknown>, 'next' | 'prev'>,
) {
  const links: string[] = [];
  if (page.next !== null)
    links.push(`<${linkTo(request, origin, { max_id: page.next.toString() })}>; rel="next"`);
  if (page.prev !== null)
    links.push(`<${linkTo(request, origin, { min_id: page.prev.toString() })}>; rel="prev"`);
  if (links.length > 0) reply.header('link', links.join(', '));
}
