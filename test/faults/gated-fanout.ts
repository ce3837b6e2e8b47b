/**
 * `starling fanout`, with a gate the test drives over IPC, so it can kill or stop a real fanout process at an exact
 * point instead of hoping to land there: the gate holds the chosen call (a timeline insert by an author, the log
 * publish of the relay) until released, and the process says when it got there. It also reports its workers'
 * heartbeats. Run with `node --import tsx`, the environment of `starling fanout`.
 */
import { createApp } from '../../src/app.js';
import { loadConfig } from '../../src/config.js';
import type { EventLog, LogMessage } from '../../src/ports/event-log.js';
import type { TimelineCache } from '../../src/ports/timeline-cache.js';

export type Gate =
  /** Hold the `nth` timeline insert (1-based) of an entry by `authorId`. */
  | { arm: 'insert'; authorId: string; nth: number }
  /** Hold the relay right after its publish to the log succeeded, before the outbox records it. */
  | { arm: 'published' };
export type GateCommand = Gate | { release: true };

export type GateReport =
  | { ready: true }
  | { held: string; detail?: string }
  | { heartbeat: number }
  /** A message's ack was sent (its event applied and counted), or tried. */
  | { acked: string };

const send = (report: GateReport) => process.send?.(report);

/** Armed from the start by `STARLING_TEST_GATE` (JSON), so the gate is in place before the workers take anything. */
let armed: Gate | null = process.env.STARLING_TEST_GATE ? JSON.parse(process.env.STARLING_TEST_GATE) : null;
let inserts = 0;
let heartbeats = 0;
let release: () => void = () => undefined;
let released = Promise.resolve();

function hold(what: string, detail?: string): Promise<void> {
  armed = null;
  released = new Promise<void>((resolve) => {
    release = resolve;
  });
  send({ held: what, ...(detail === undefined ? {} : { detail }) });
  return released;
}

process.on('message', (command: GateCommand) => {
  if ('release' in command) release();
  else {
    armed = command;
    inserts = 0;
  }
});

function gatedCache(cache: TimelineCache): TimelineCache {
  const wrapper: TimelineCache = Object.create(cache);
  wrapper.insert = async (userIds, entry) => {
    if (armed?.arm === 'insert' && entry.authorId.toString() === armed.authorId) {
      inserts += 1;
      if (inserts === armed.nth) await hold('insert', entry.tweetId.toString());
    }
    return cache.insert(userIds, entry);
  };
  return wrapper;
}

function gatedLog(log: EventLog): EventLog {
  const wrapper: EventLog = Object.create(log);
  wrapper.publish = async (events) => {
    await log.publish(events);
    if (armed?.arm === 'published') await hold('published', events.map((e) => e.id).join(','));
  };
  wrapper.fetch = async (stream, max, waitMs) => {
    const messages = (await log.fetch(stream, max, waitMs)).map(
      (message): LogMessage =>
        Object.assign(Object.create(message), {
          working: () => {
            heartbeats += 1;
            send({ heartbeat: heartbeats });
            message.working();
          },
          ack: () =>
            message.ack().finally(() => {
              send({ acked: message.id });
            }),
        }),
    );
    return messages;
  };
  return wrapper;
}

const config = loadConfig();
const app = await createApp(config, {
  role: 'fanout',
  decorate: { cache: gatedCache, log: gatedLog },
});
await app.start();
await app.http.listen({ port: config.metricsPort ?? 9464, host: config.host });
send({ ready: true });
process.on('SIGTERM', () => {
  void app.close().then(() => process.exit(0));
});
