import { apiUrl } from './api.js';
import { currentSession, onSessionChange } from './session.js';

/** The streaming API's events this client reads; each carries a JSON body (or, for `delete`, an id). */
export type StreamEvent = 'update' | 'delete' | 'status.update' | 'notification';
const EVENTS: readonly StreamEvent[] = ['update', 'delete', 'status.update', 'notification'];

/** After the browser gives up on the stream (an HTTP error rather than a drop), it is tried again after 1 s, then
 * twice as long each time, up to 30 s. */
const FIRST_RETRY_MS = 1_000;
const MAX_RETRY_MS = 30_000;
let retryMs = FIRST_RETRY_MS;

export type StreamListener = { [E in StreamEvent]?: (data: string) => void } & {
  /** The stream is (again) connected: whatever was missed meanwhile should be read. */
  open?: () => void;
  /** The stream dropped; the browser retries it by itself, or this module does later. */
  error?: () => void;
};

const listeners = new Set<StreamListener>();
let source: EventSource | null = null;
let token: string | null = null;
let reconnectTimer: number | undefined;

function close() {
  window.clearTimeout(reconnectTimer);
  source?.close();
  source = null;
  token = null;
}

function connect() {
  close();
  const session = currentSession();
  if (!session || listeners.size === 0 || typeof EventSource !== 'function') return;
  token = session.token;
  const opened = new EventSource(apiUrl('/api/v1/streaming/user', { access_token: session.token }));
  source = opened;
  opened.addEventListener('open', () => {
    retryMs = FIRST_RETRY_MS;
    for (const listener of [...listeners]) listener.open?.();
  });
  for (const name of EVENTS) {
    opened.addEventListener(name, (event) => {
      const data = (event as MessageEvent<string>).data;
      for (const listener of [...listeners]) listener[name]?.(data);
    });
  }
  opened.addEventListener('error', () => {
    for (const listener of [...listeners]) listener.error?.();
    if (opened.readyState === EventSource.CLOSED && source === opened) {
      window.clearTimeout(reconnectTimer);
      reconnectTimer = window.setTimeout(connect, retryMs);
      retryMs = Math.min(retryMs * 2, MAX_RETRY_MS);
    }
  });
}

/**
 * One stream of the signed-in account's events per page, shared by everything that listens to it: opened with the first listener, closed with the last, and reopened for a new session. A
 * listener that joins an open stream is told it is open at once.
 */
export function listenToStream(listener: StreamListener): () => void {
  listeners.add(listener);
  const session = currentSession();
  if (source === null || session?.token !== token) connect();
  else if (source.readyState === EventSource.OPEN) queueMicrotask(() => listener.open?.());
  return () => {
    listeners.delete(listener);
    if (listeners.size === 0) close();
  };
}

/** Whether the stream is connected now. */
export const streamIsOpen = () => source?.readyState === EventSource.OPEN;

/** Whether this browser can stream at all (if not, listeners only ever poll). */
export const canStream = () => typeof EventSource === 'function';

onSessionChange(() => connect());
// The browser knows before the stream does that the network is back.
window.addEventListener('online', () => {
  retryMs = FIRST_RETRY_MS;
  if (listeners.size > 0 && source?.readyState !== EventSource.OPEN) connect();
});
