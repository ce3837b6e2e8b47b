import { call, PAGE_SIZE, type TweetJson, type TweetPage } from '../api.js';
import { PagedList } from './paged-list.js';
import { tweetCard } from './tweet-card.js';

export interface TweetListOptions {
  empty: string;
  doing: string;
  label: string;
  query?: Record<string, string>;
}

/** Tweets read from `path` page by page (home, an account, replies, mentions, search), each shown once. */
export function tweetList(
  path: string,
  signal: AbortSignal,
  options: TweetListOptions,
): PagedList<TweetJson> {
  const list: PagedList<TweetJson> = new PagedList<TweetJson>({
    load: async (cursor, abort) => {
      const page = await call<TweetPage>('GET', path, {
        query: { ...options.query, limit: PAGE_SIZE, cursor: cursor ?? undefined },
        signal: abort,
      });
      return { items: page.tweets, next: page.next_cursor };
    },
    key: (tweet) => tweet.id,
    render: (tweet) => tweetCard(tweet, { onRemoved: () => list.remove(tweet.id) }),
    empty: options.empty,
    doing: options.doing,
    label: options.label,
    signal,
  });
  return list;
}
