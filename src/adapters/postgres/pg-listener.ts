import pg from 'pg';

const RETRY_MIN_MS = 250;
const RETRY_MAX_MS = 5_000;

/**
 * LISTEN on a connection of its own that comes back by itself: when the connection is lost it is opened again with
 * a growing pause, and `onNotify` is called once it is back, since anything notified meanwhile was missed. Resolves
 * once the first connection listens (or rejects, so the caller can retry); returns the function that stops it.
 */
export async function openListener(
  config: pg.ClientConfig,
  channel: string,
  onNotify: () => void,
): Promise<() => Promise<void>> {
  let stopped = false;
  let current: pg.Client | null = null;
  let retryMs = RETRY_MIN_MS;
  let timer: NodeJS.Timeout | undefined;

  async function connect(): Promise<void> {
    const client = new pg.Client(config);
    // Connection errors arrive here as well as on the pending call; 'end' follows and schedules the reconnect.
    client.on('error', () => undefined);
    client.on('notification', (message) => {
      if (message.channel === channel) onNotify();
    });
    try {
      await client.connect();
      await client.query(`LISTEN ${pg.escapeIdentifier(channel)}`);
    } catch (error) {
      await client.end().catch(() => undefined);
      throw error;
    }
    if (stopped) {
      await client.end().catch(() => undefined);
      return;
    }
    current = client;
    retryMs = RETRY_MIN_MS;
    client.once('end', () => {
      if (current === client) current = null;
      if (!stopped) reconnectLater();
    });
  }

  function reconnectLater() {
    timer = setTimeout(() => {
      connect().then(onNotify, () => {
        retryMs = Math.min(retryMs * 2, RETRY_MAX_MS);
        if (!stopped) reconnectLater();
      });
    }, retryMs);
    timer.unref();
  }

  await connect();
  return async () => {
    stopped = true;
    clearTimeout(timer);
    await current?.end().catch(() => undefined);
    current = null;
  };
}
