import { expect } from 'vitest';
import WebSocket from 'ws';
import type { Harness } from './harness.js';

/** A frame of the streaming API, with its payload parsed where it is JSON (everything but `delete`). */
export interface Frame {
  stream: string[];
  event: string;
  // biome-ignore lint/suspicious/noExplicitAny: a test's view of a JSON entity
  payload: any;
}

const WAIT_MS = 10_000;

/** A raw WebSocket to the streaming API, read message by message. */
export interface Socket {
  ws: WebSocket;
  /** The next message matching `test`, skipping (and keeping) those before it. */
  next(test?: (message: Frame & { error?: string; status?: number }) => boolean): Promise<Frame>;
  /** Every message received so far and not yet taken by `next`. */
  waiting(): Frame[];
  send(message: Record<string, unknown>): void;
  /** Resolves with the close code once the socket has closed. */
  closed: Promise<number>;
  close(): void;
}

function parse(raw: string): Frame {
  const message = JSON.parse(raw);
  if (typeof message.payload === 'string' && message.event !== 'delete') {
    message.payload = JSON.parse(message.payload);
  }
  return message;
}

/** Opens a socket; rejects with the HTTP status when the upgrade is refused. */
export function openSocket(
  url: string,
  options: { protocols?: string[]; headers?: Record<string, string>; autoPong?: boolean } = {},
): Promise<Socket> {
  const ws = new WebSocket(url, options.protocols ?? [], {
    headers: options.headers ?? {},
    autoPong: options.autoPong ?? true,
  });
  const messages: Frame[] = [];
  let wake: () => void = () => undefined;
  ws.on('message', (data) => {
    messages.push(parse(data.toString()));
    wake();
  });
  const closed = new Promise<number>((resolve) => ws.on('close', (code) => resolve(code)));
  async function next(test: (message: Frame) => boolean = () => true): Promise<Frame> {
    const deadline = Date.now() + WAIT_MS;
    for (;;) {
      const at = messages.findIndex(test);
      if (at >= 0) return messages.splice(at, 1)[0] as Frame;
      if (Date.now() > deadline) {
        throw new Error(`no matching message within ${WAIT_MS} ms; got ${JSON.stringify(messages)}`);
      }
      await new Promise<void>((resolve) => {
        const timer = setTimeout(resolve, deadline - Date.now() + 1);
        wake = () => {
          clearTimeout(timer);
          resolve();
        };
      });
    }
  }
  return new Promise((resolve, reject) => {
    ws.once('open', () =>
      resolve({
        ws,
        next,
        waiting: () => [...messages],
        send: (message) => ws.send(JSON.stringify(message)),
        closed,
        close: () => ws.close(),
      }),
    );
    ws.once('unexpected-response', (_request, response) => {
      reject(
        Object.assign(new Error(`upgrade refused: ${response.statusCode}`), { status: response.statusCode }),
      );
      ws.terminate();
    });
    ws.once('error', reject);
  });
}

/** The HTTP status an upgrade was refused with (the test fails if it was accepted). */
export async function refusedWith(
  url: string,
  options: Parameters<typeof openSocket>[1] = {},
): Promise<number> {
  try {
    const socket = await openSocket(url, options);
    socket.close();
  } catch (error) {
    return (error as { status?: number }).status ?? -1;
  }
  throw new Error('the upgrade was accepted');
}

/**
 * Resolves once the server's subscriptions number `count`: the streaming API acknowledges nothing, so a test that is
 * about to post waits for the server to be listening.
 */
export function subscriptions(h: Harness, count: number): Promise<void> {
  const streaming = h.app.http.streaming;
  expect(streaming).toBeDefined();
  if (!streaming || streaming.subscriptions() === count) return Promise.resolve();
  return new Promise((resolve, reject) => {
    const timer = setTimeout(() => {
      streaming.events.off('subscriptions', on);
      reject(new Error(`subscriptions stayed at ${streaming.subscriptions()}, not ${count}`));
    }, WAIT_MS);
    const on = (now: number) => {
      if (now !== count) return;
      clearTimeout(timer);
      streaming.events.off('subscriptions', on);
      resolve();
    };
    streaming.events.on('subscriptions', on);
  });
}
