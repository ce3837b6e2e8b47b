import { apiUrl, call, type StatusJson } from '../api.js';
import { h } from '../dom.js';
import type { Session } from '../session.js';
import type { PagedList } from './paged-list.js';

/** Polling covers what the stream cannot: posts from accounts with very many followers, and any gap in the stream. */
const POLL_MS = 30_000;
/** After this many pages of new posts, a fresh load beats catching up. */
const MAX_CATCH_UP_PAGES = 5;
/** Mastodon's largest page. */
const CATCH_UP_PAGE = 40;

const newer = (a: string, b: string) => BigInt(a) > BigInt(b);

/**
 * Keeps an open home timeline current without a reload: the streaming API sends each post that arrives (and the id
 * of each that leaves); every 30 s, and whenever the stream (re)connects, it catches up anyway, paging forward with
 * `min_id` from the newest post it has. New posts wait behind an "N new posts" button so the list does not move
 * under the reader.
 */
export function liveTimeline(list: PagedList<StatusJson>, session: Session, signal: AbortSignal) {
  const pending = new Map<string, StatusJson>();
  const banner = h('button', { class: 'new-posts', attrs: { type: 'button', 'aria-live': 'polite' } });
  banner.hidden = true;
  const state = h('span', { class: 'live-state', dataset: { live: 'connecting' } }, 'Connecting…');
  let newest: string | null = null;
  let polling = false;
  let pollAgain = false;
  let source: EventSource | null = null;
  let reconnectTimer: number | undefined;

  const drawBanner = () => {
    banner.hidden = pending.size === 0;
    banner.textContent = pending.size === 1 ? '1 new post' : `${pending.size} new posts`;
  };

  const setState = (live: 'live' | 'polling' | 'connecting', text: string) => {
    state.dataset.live = live;
    state.textContent = text;
  };

  /** The newest id the reader has (on the list or waiting), so a poll asks only for what is newer. */
  const sinceId = (): string | null => {
    let best = newest;
    for (const key of [...list.keys().slice(0, 1), ...pending.keys()]) {
      if (key && (best === null || newer(key, best))) best = key;
    }
    return best;
  };

  function add(status: StatusJson) {
    if (!list.has(status.id)) pending.set(status.id, status);
    if (newest === null || newer(status.id, newest)) newest = status.id;
  }

  async function poll(): Promise<void> {
    if (polling) {
      pollAgain = true;
      return;
    }
    polling = true;
    try {
      for (let page = 0; page < MAX_CATCH_UP_PAGES; page++) {
        const since = sinceId();
        const statuses = await call<StatusJson[]>('GET', '/api/v1/timelines/home', {
          query: { limit: CATCH_UP_PAGE, min_id: since ?? undefined },
          signal,
        });
        for (const status of statuses) add(status);
        if (statuses.length < CATCH_UP_PAGE || since === null) break;
      }
      drawBanner();
    } catch {
      // The next poll (or stream event) tries again; the list itself reports read failures.
    } finally {
      polling = false;
      if (pollAgain && !signal.aborted) {
        pollAgain = false;
        void poll();
      }
    }
  }

  function connect() {
    source?.close();
    setState('connecting', 'Connecting…');
    source = new EventSource(apiUrl('/api/v1/streaming/user', { access_token: session.token }));
    source.addEventListener('open', () => {
      setState('live', 'Live');
      // Whatever arrived while disconnected.
      void poll();
    });
    source.addEventListener('update', (event) => {
      try {
        add(JSON.parse((event as MessageEvent<string>).data) as StatusJson);
        drawBanner();
      } catch {
        void poll();
      }
    });
    // An edited post is drawn again where it is (or waits, updated, behind the banner).
    source.addEventListener('status.update', (event) => {
      try {
        const status = JSON.parse((event as MessageEvent<string>).data) as StatusJson;
        if (pending.has(status.id)) pending.set(status.id, status);
        list.replace(status);
      } catch {
        // A frame that cannot be read changes nothing; the next read of the page shows the edit.
      }
    });
    source.addEventListener('delete', (event) => {
      const id = (event as MessageEvent<string>).data;
      list.remove(id);
      pending.delete(id);
      drawBanner();
    });
    source.addEventListener('error', () => {
      setState('polling', 'Reconnecting… (checking every 30 s)');
      void poll();
      // The browser retries a dropped stream by itself, but gives up on an HTTP error; then retry later.
      if (source?.readyState === EventSource.CLOSED) {
        window.clearTimeout(reconnectTimer);
        reconnectTimer = window.setTimeout(connect, POLL_MS);
      }
    });
  }

  banner.addEventListener('click', () => {
    const statuses = [...pending.values()].sort((a, b) => (newer(a.id, b.id) ? -1 : 1));
    pending.clear();
    list.prepend(statuses);
    drawBanner();
    window.scrollTo({ top: 0, behavior: 'smooth' });
  });

  const timer = window.setInterval(() => void poll(), POLL_MS);
  signal.addEventListener('abort', () => {
    window.clearInterval(timer);
    window.clearTimeout(reconnectTimer);
    source?.close();
  });
  if (typeof EventSource === 'function') connect();
  else setState('polling', 'Checking every 30 s');

  return {
    banner,
    state,
    /** A post the reader just made goes straight to the top. */
    showOwn(status: StatusJson) {
      pending.delete(status.id);
      list.prepend([status]);
      drawBanner();
    },
  };
}
