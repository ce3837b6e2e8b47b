import { call, type MarkerJson, type NotificationJson } from './api.js';
import { currentSession, onSessionChange } from './session.js';
import { listenToStream } from './stream.js';

/** The most the badge counts exactly; more shows as "40+". */
export const UNREAD_LIMIT = 40;

const newer = (a: string, b: string | null) => b === null || BigInt(a) > BigInt(b);

type Listener = (count: number) => void;
type ArrivalListener = (notification: NotificationJson) => void;

const countListeners = new Set<Listener>();
const arrivalListeners = new Set<ArrivalListener>();
let unread = 0;
let lastReadId: string | null = null;
/** Notifications already counted (a stream event and a catch-up may tell of the same one). */
const counted = new Set<string>();
let stopStream: (() => void) | undefined;
let generation = 0;
/** Stream notifications told so far: a count read while one arrived may not include it, and is read again. */
let arrivals = 0;

function setCount(count: number) {
  unread = Math.max(0, count);
  for (const listener of [...countListeners]) listener(unread);
}

/** How many notifications are newer than the marker: the server's count, or the first page newer than it. */
async function readCount(): Promise<void> {
  const mine = generation;
  const arrivedBefore = arrivals;
  try {
    const markers = await call<{ notifications?: MarkerJson }>('GET', '/api/v1/markers', {
      query: { 'timeline[]': 'notifications' },
    });
    if (mine !== generation) return;
    const marker = markers.notifications?.last_read_id ?? null;
    if (marker !== null && (lastReadId === null || newer(marker, lastReadId))) lastReadId = marker;
    let count: number;
    try {
      count = (
        await call<{ count: number }>('GET', '/api/v1/notifications/unread_count', {
          query: { limit: UNREAD_LIMIT },
        })
      ).count;
    } catch {
      const page = await call<NotificationJson[]>('GET', '/api/v1/notifications', {
        query: { limit: UNREAD_LIMIT, since_id: lastReadId ?? undefined },
      });
      count = page.length;
    }
    if (mine !== generation) return;
    if (arrivals !== arrivedBefore) {
      void readCount();
      return;
    }
    counted.clear();
    setCount(count);
  } catch {
    // The badge stays as it was; the stream's next (re)connect reads it again.
  }
}

let markerRead: Promise<void> = Promise.resolve();

function start() {
  stopStream?.();
  stopStream = undefined;
  generation++;
  lastReadId = null;
  counted.clear();
  setCount(0);
  if (!currentSession()) return;
  markerRead = readCount();
  stopStream = listenToStream({
    // Whatever came while the stream was down.
    open: () => void readCount(),
    notification: (data) => {
      let notification: NotificationJson;
      try {
        notification = JSON.parse(data) as NotificationJson;
      } catch {
        void readCount();
        return;
      }
      arrivals++;
      if (newer(notification.id, lastReadId) && !counted.has(notification.id)) {
        counted.add(notification.id);
        setCount(unread + 1);
      }
      for (const listener of [...arrivalListeners]) listener(notification);
    },
  });
}

/** The unread count now, and as it changes (the listener is called at once). Returns the way to stop. */
export function watchUnread(listener: Listener): () => void {
  countListeners.add(listener);
  listener(unread);
  return () => countListeners.delete(listener);
}

/** Each notification as it arrives on the stream. Returns the way to stop. */
export function onNotification(listener: ArrivalListener): () => void {
  arrivalListeners.add(listener);
  return () => arrivalListeners.delete(listener);
}

/** The marker, once this session's first read of it is done (null: nothing read yet, or it could not be read). */
export async function lastRead(): Promise<string | null> {
  await markerRead;
  return lastReadId;
}

/**
 * The reader has seen everything up to `id`: the badge clears (at once), and the marker moves on the server so the
 * other devices and tabs agree. A marker never moves back.
 */
export async function markRead(id: string): Promise<void> {
  if (!newer(id, lastReadId)) {
    if (unread !== 0) setCount(0);
    return;
  }
  lastReadId = id;
  // A count being read now was taken before this.
  generation++;
  counted.clear();
  setCount(0);
  try {
    await call('POST', '/api/v1/markers', { body: { notifications: { last_read_id: id } } });
  } catch {
    // Read here all the same; the server's count catches up the next time it is told.
  }
}

/** Starts following the signed-in account's notifications (again for each new session). */
export function startUnread(): void {
  start();
  onSessionChange(() => start());
}
