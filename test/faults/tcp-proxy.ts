import { createServer, type Server, Socket } from 'node:net';

/**
 * A TCP proxy in front of a real server, whose link the test controls exactly: `pass` forwards, `hold` forwards
 * nothing either way while keeping every connection open (a blackhole: packets vanish, nobody is told), `mute`
 * forwards requests but holds the answers, and `cut` resets every connection and each new one at once (the server
 * went away). Back to `pass`, held bytes flow again.
 */
export type LinkState = 'pass' | 'hold' | 'mute' | 'cut';

export interface TcpProxy {
  port: number;
  readonly state: LinkState;
  set(state: LinkState): void;
  /** Connections accepted so far (each a pair of sockets). */
  readonly accepted: number;
  close(): Promise<void>;
}

interface Pair {
  client: Socket;
  upstream: Socket | null;
  /** Bytes that arrived while the link was held, each way, delivered when it passes again. */
  toUpstream: Buffer[];
  toClient: Buffer[];
}

export async function startTcpProxy(target: { host: string; port: number }): Promise<TcpProxy> {
  let state: LinkState = 'pass';
  let accepted = 0;
  const pairs = new Set<Pair>();

  const reset = (pair: Pair) => {
    pairs.delete(pair);
    pair.client.resetAndDestroy();
    pair.upstream?.resetAndDestroy();
  };

  function flush(pair: Pair) {
    if (pair.upstream === null) openUpstream(pair);
    for (const chunk of pair.toUpstream.splice(0)) pair.upstream?.write(chunk);
    for (const chunk of pair.toClient.splice(0)) pair.client.write(chunk);
  }

  function openUpstream(pair: Pair) {
    const upstream = new Socket();
    pair.upstream = upstream;
    upstream.on('error', () => reset(pair));
    upstream.on('close', () => {
      if (pairs.delete(pair)) pair.client.destroy();
    });
    upstream.on('data', (chunk: Buffer) => {
      if (state === 'pass') pair.client.write(chunk);
      else pair.toClient.push(chunk);
    });
    upstream.connect(target.port, target.host);
  }

  const server: Server = createServer((client) => {
    accepted += 1;
    const pair: Pair = { client, upstream: null, toUpstream: [], toClient: [] };
    client.on('error', () => reset(pair));
    client.on('close', () => {
      if (pairs.delete(pair)) pair.upstream?.destroy();
    });
    if (state === 'cut') {
      client.resetAndDestroy();
      return;
    }
    pairs.add(pair);
    client.on('data', (chunk: Buffer) => {
      if ((state === 'pass' || state === 'mute') && pair.upstream) pair.upstream.write(chunk);
      else pair.toUpstream.push(chunk);
    });
    // A connection made while the link is held reaches the server only when it passes again.
    if (state === 'pass' || state === 'mute') openUpstream(pair);
  });
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  const address = server.address();
  const port = typeof address === 'object' && address ? address.port : 0;

  return {
    port,
    get state() {
      return state;
    },
    get accepted() {
      return accepted;
    },
    set(next) {
      state = next;
      for (const pair of [...pairs]) {
        if (next === 'cut') reset(pair);
        else if (next === 'pass') flush(pair);
      }
    },
    async close() {
      state = 'cut';
      for (const pair of [...pairs]) reset(pair);
      await new Promise<void>((resolve) => server.close(() => resolve()));
    },
  };
}
