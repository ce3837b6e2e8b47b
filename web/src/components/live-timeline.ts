import { call, type StatusJson } from '../api.js';
import { h } from '../dom.js';
import { canStream, listenToStream, streamIsOpen } from '../stream.js';
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
export function liveTimeline(list: PagedList<StatusJson>, signal: AbortSignal) {
  const pending = new Map<string, StatusJson>();
  const banner = h('button', { class: 'new-posts', attrs: { type: 'button', 'aria-live': 'polite' } });
  banner.hidden = true;
  const state = h('span', { class: 'live-state', attrs: { role: 'status' } });
  let newest: string | null = null;
  let polling = false;
  let pollAgain = false;

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
      if (streamIsOpen()) setState('live');
    } catch {
      // The next poll, stream event or reconnection tries again.
      if (!signal.aborted) {
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

  /** Read a frame, or, if it cannot be read, catch up instead. */
  const parse = (data: string): StatusJson | null => {
    try {
      return JSON.parse(data) as StatusJson;
    } catch {
      return null;
    }
  };

  banner.addEventListener('click', () => {
    list.merge([...pending.values()]);
    pending.clear();
    drawBanner();
    window.scrollTo({ top: 0, behavior: reducedMotion() ? 'auto' : 'smooth' });
  });

  const timer = window.setInterval(() => void poll(), POLL_MS);
  if (!canStream()) setState('offline');
  // The page's one stream, shared with the unread badge; it reconnects by itself, backing off, and when the browser
  // says the network is back.
  const stopListening = listenToStream({
    // Whatever arrived while disconnected; the indicator says Live once that has been read.
    open: () => void poll(),
    update: (data) => {
      const status = parse(data);
      if (!status) return void poll();
      add(status);
      drawBanner();
    },
    // An edited post is drawn again where it is (or waits, updated, behind the banner).
    'status.update': (data) => {
      const status = parse(data);
      if (!status) return;
      if (pending.has(status.id)) pending.set(status.id, status);
      list.replace(status);
    },
    delete: (id) => {
      list.remove(id);
      pending.delete(id);
      drawBanner();
    },
    error: () => {
      setState('offline');
    },
  });
  signal.addEventListener('abort', () => {
    window.clearInterval(timer);
    stopListening();
  });

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
