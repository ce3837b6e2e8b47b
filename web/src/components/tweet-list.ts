import { PAGE_SIZE, request, type StatusJson } from '../api.js';
import { PagedList, type PageOf } from './paged-list.js';
import { addRetweeter, tweetCard } from './tweet-card.js';

export interface TweetListOptions {
  empty: string;
  doing: string;
  label: string;
  query?: Record<string, string>;
  /** Below the last post, once there is nothing older. */
  end?: string;
}

/** Newest first, by Snowflake id (decimal strings past 2^53). */
export const newestFirst = (a: string, b: string): number => {
  const [x, y] = [BigInt(a), BigInt(b)];
  return x === y ? 0 : x > y ? -1 : 1;
};

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
  return statusList((cursor, abort) => statusPage(path, cursor, abort, options.query), signal, {
    ...options,
    ordered: true,
  });
}

/** Posts from any pager (a search pages by offset), each shown once. */
export function statusList(
  load: (cursor: string | null, signal: AbortSignal) => Promise<PageOf<StatusJson>>,
  signal: AbortSignal,
  options: Omit<TweetListOptions, 'query'> & { ordered?: boolean },
): PagedList<StatusJson> {
  const list: PagedList<StatusJson> = new PagedList<StatusJson>({
    load,
    key: (status) => status.id,
    render: (status) => tweetCard(status, { onRemoved: () => list.remove(status.id) }),
    empty: options.empty,
    doing: options.doing,
    label: options.label,
    end: options.end ?? 'You have reached the end.',
    // A retweet of a post already on the list adds its name to that card rather than showing the post twice.
    shows: (status) => (status.reblog ?? status).id,
    fold: (shown, status) => {
      if (status.reblog) addRetweeter(shown, status.account);
    },
    ...(options.ordered ? { ordered: newestFirst } : {}),
    signal,
  });
  return list;
}
