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

const reducedMotion = () => window.matchMedia('(prefers-reduced-motion: reduce)').matches;

const newer = (a: string, b: string) => BigInt(a) > BigInt(b);

type Connection = 'connecting' | 'live' | 'offline';

const STATE_TEXT: Record<Connection, string> = {
  connecting: 'Connecting…',
  live: 'Live',
  offline: 'Offline, retrying…',
};

/** Reconnecting waits 1 s, then twice as long each time, up to the poll's 30 s. */
const FIRST_RETRY_MS = 1_000;

/**
 * Keeps an open home timeline current without a reload: the streaming API sends each post that arrives (and the id
 * of each that leaves); every 30 s, and whenever the stream (re)connects, it catches up anyway, paging forward with
 * `min_id` from the newest post it has. New posts wait behind an "N new posts" button so the list does not move
 * under the reader, and go in by id, where they belong.
 *
 * One indicator says how the connection is. When it comes back after a failure the page is made true again: a list
 * whose load failed is loaded afresh (its error goes), and a gap too long to page through is a fresh first page
 * rather than a banner of "new" posts the reader was never shown the older neighbours of.
 */
export function liveTimeline(list: PagedList<StatusJson>, session: Session, signal: AbortSignal) {
  const pending = new Map<string, StatusJson>();
  const banner = h('button', { class: 'new-posts', attrs: { type: 'button', 'aria-live': 'polite' } });
  banner.hidden = true;
  const state = h('span', { class: 'live-state', attrs: { role: 'status' } });
  let newest: string | null = null;
  let polling = false;
  let pollAgain = false;
  let source: EventSource | null = null;
  let reconnectTimer: number | undefined;
  let retryMs = FIRST_RETRY_MS;
  /** Something failed since the last time all was well: the next success resynchronises. */
  let broken = false;

  const drawBanner = () => {
    banner.hidden = pending.size === 0;
    banner.textContent = pending.size === 1 ? '1 new post' : `${pending.size} new posts`;
  };

  const setState = (connection: Connection) => {
    state.dataset.live = connection;
    state.textContent = STATE_TEXT[connection];
  };
  setState('connecting');

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

  /** Starts over from the first page: after an outage, or when the gap is longer than catching up covers. */
  async function resync(): Promise<void> {
    pending.clear();
    newest = null;
    drawBanner();
    await list.reload();
  }

  async function poll(): Promise<void> {
    if (polling) {
      pollAgain = true;
      return;
    }
    polling = true;
    try {
      if (list.failed) {
        await resync();
        if (list.failed) throw new Error('still failing');
      } else {
        let caughtUp = false;
        for (let page = 0; page < MAX_CATCH_UP_PAGES && !caughtUp; page++) {
          const since = sinceId();
          const statuses = await call<StatusJson[]>('GET', '/api/v1/timelines/home', {
            query: { limit: CATCH_UP_PAGE, min_id: since ?? undefined },
            signal,
          });
          for (const status of statuses) add(status);
          caughtUp = statuses.length < CATCH_UP_PAGE || since === null;
        }
        if (!caughtUp) await resync();
        else drawBanner();
      }
      broken = false;
      if (source?.readyState === EventSource.OPEN) setState('live');
    } catch {
      // The next poll, stream event or reconnection tries again.
      if (!signal.aborted) {
        broken = true;
        setState('offline');
      }
    } finally {
      polling = false;
      if (pollAgain && !signal.aborted) {
        pollAgain = false;
        void poll();
      }
    }
  }

  function reconnectLater() {
    window.clearTimeout(reconnectTimer);
    reconnectTimer = window.setTimeout(connect, retryMs);
    retryMs = Math.min(retryMs * 2, POLL_MS);
  }

  function connect() {
    if (signal.aborted) return;
    window.clearTimeout(reconnectTimer);
    source?.close();
    if (broken) setState('offline');
    else setState('connecting');
    source = new EventSource(apiUrl('/api/v1/streaming/user', { access_token: session.token }));
    source.addEventListener('open', () => {
      retryMs = FIRST_RETRY_MS;
      // Whatever arrived while disconnected; the indicator says Live once that has been read.
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
      broken = true;
      setState('offline');
      // The browser retries a dropped stream by itself, but gives up on an HTTP error; then retry here.
      if (source?.readyState === EventSource.CLOSED) reconnectLater();
    });
  }

  banner.addEventListener('click', () => {
    list.merge([...pending.values()]);
    pending.clear();
    drawBanner();
    window.scrollTo({ top: 0, behavior: reducedMotion() ? 'auto' : 'smooth' });
  });

  // The browser knows before the stream does that the network is back.
  const online = () => {
    retryMs = FIRST_RETRY_MS;
    connect();
  };
  window.addEventListener('online', online);
  const timer = window.setInterval(() => void poll(), POLL_MS);
  signal.addEventListener('abort', () => {
    window.clearInterval(timer);
    window.clearTimeout(reconnectTimer);
    window.removeEventListener('online', online);
    source?.close();
  });
  if (list.failed) broken = true;
  if (typeof EventSource === 'function') connect();
  else setState('offline');

  return {
    banner,
    state,
    /** A post the reader just made goes straight in, where it belongs. */
    showOwn(status: StatusJson) {
      pending.delete(status.id);
      list.merge([status]);
      drawBanner();
    },
  };
}
