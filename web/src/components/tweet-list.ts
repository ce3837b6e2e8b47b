import { PAGE_SIZE, request, type StatusJson } from '../api.js';
import { PagedList, type PageOf } from './paged-list.js';
import { tweetCard } from './tweet-card.js';

export interface TweetListOptions {
  empty: string;
  doing: string;
  label: string;
  query?: Record<string, string>;
}

/** One page of statuses from a Mastodon list endpoint: older than `maxId`, with the Link header's next page. */
export async function statusPage(
  path: string,
  maxId: string | null,
  signal: AbortSignal,
  query: Record<string, string> = {},
): Promise<PageOf<StatusJson>> {
  const { body, next } = await request<StatusJson[]>('GET', path, {
    query: { ...query, limit: PAGE_SIZE, max_id: maxId ?? undefined },
    signal,
  });
  return { items: body, next };
}

/** Posts read from `path` page by page (home, an account, a hashtag), each shown once. */
export function tweetList(
  path: string,
  signal: AbortSignal,
  options: TweetListOptions,
): PagedList<StatusJson> {
  return statusList((cursor, abort) => statusPage(path, cursor, abort, options.query), signal, options);
}

/** Posts from any pager (a search pages by offset), each shown once. */
export function statusList(
  load: (cursor: string | null, signal: AbortSignal) => Promise<PageOf<StatusJson>>,
  signal: AbortSignal,
  options: Omit<TweetListOptions, 'query'>,
): PagedList<StatusJson> {
  const list: PagedList<StatusJson> = new PagedList<StatusJson>({
    load,
    key: (status) => status.id,
    render: (status) => tweetCard(status, { onRemoved: () => list.remove(status.id) }),
    empty: options.empty,
    doing: options.doing,
    label: options.label,
    signal,
  });
  return list;
}
