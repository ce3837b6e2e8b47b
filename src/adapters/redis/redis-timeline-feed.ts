import type { Cluster, Redis } from 'ioredis';
import type { Clock } from '../../ports/clock.js';
import {
  FEED_EVENT_KINDS,
  type FeedEvent,
  type FeedListener,
  feedEventId,
  feedEventOf,
  type PublicEvent,
  type PublicListener,
  type TimelineFeed,
  type TimelineUpdate,
} from '../../ports/timeline-feed.js';

export interface RedisTimelineFeedOptions {
  /** Runs ZADD, ZMSCORE and PUBLISH; may be shared with other adapters (the feed never closes it). */
  redis: Redis | Cluster;
  /** Key and channel prefix (STARLING_NAMESPACE). */
  namespace: string;
  clock: Clock;
  /** How long a reader counts as connected after its process last vouched for it. */
  readerTtlMs?: number;
  /** Told of errors on the subscriber connection and of failed heartbeats. */
  onError?: (error: unknown) => void;
}

/** On the wire: kind, the post's (or notification's) id, and the readers (all connected somewhere) it is for. */
interface FeedMessage {
  k: FeedEvent['kind'];
  t: string;
  r: string[];
}

/** A public event on the wire: kind, tweet id, hashtags, and 1 when it carries media. */
interface PublicMessage {
  k: PublicEvent['kind'];
  t: string;
  g: string[];
  m: 0 | 1;
}

const DEFAULT_READER_TTL_MS = 45_000;

/**
 * The feed across processes. `api` processes keep a sorted set of the readers they stream to (score: when the claim
 * expires; a heartbeat renews it, so a crashed process's readers drop out by themselves). Fanout processes look up
 * the readers an event touched in that set with one ZMSCORE and PUBLISH only for those who are connected, so a
 * follower page of a thousand offline readers costs one round trip and no message.
 *
 * All events share one plain channel: every `api` process receives each message and keeps the readers it serves.
 * Plain PUBLISH works unchanged on a Redis Cluster (the cluster bus carries it to every node); only connected readers
 * ever appear in a message, which keeps the traffic to what the live connections need. A batch is one message, an
 * array in the batch's order: on a cluster each PUBLISH may go to a different node, and two messages sent at once
 * could arrive in either order (a delete before the post it deletes).
 *
 * Public events (the public and hashtag streams) go on a channel of their own, one message per batch whoever listens;
 * a process subscribes to it only once one of its connections streams a public timeline.
 */
export class RedisTimelineFeed implements TimelineFeed {
  private readonly listeners = new Map<string, Set<FeedListener>>();
  private readonly readersKey: string;
  private readonly publicListeners = new Set<PublicListener>();
  private readonly channel: string;
  private readonly publicChannel: string;
  private readonly ttlMs: number;
  private readonly onError: (error: unknown) => void;
  private subscriber: Redis | Cluster | undefined;
  /** The channels subscribed (or being subscribed) on `subscriber`. */
  private readonly subscribed = new Map<string, Promise<void>>();
  private heartbeat: NodeJS.Timeout | undefined;

  constructor(private readonly options: RedisTimelineFeedOptions) {
    this.readersKey = `${options.namespace}:feed:readers`;
    this.channel = `${options.namespace}:feed`;
    this.publicChannel = `${options.namespace}:feed:public`;
    this.ttlMs = options.readerTtlMs ?? DEFAULT_READER_TTL_MS;
    this.onError = options.onError ?? (() => undefined);
  }

  async publish(updates: readonly TimelineUpdate[]): Promise<void> {
    const candidates = [...new Set(updates.flatMap((u) => u.readerIds.map(String)))];
    if (candidates.length === 0) return;
    const scores = await this.options.redis.zmscore(this.readersKey, ...candidates);
    const now = this.options.clock.now();
    const connected = new Set(candidates.filter((_, i) => Number(scores[i] ?? 0) > now));
    if (connected.size === 0) return;
    const messages = updates
      .map(
        (u): FeedMessage => ({
          k: u.kind,
          t: feedEventId(u).toString(),
          r: [...new Set(u.readerIds.map(String))].filter((id) => connected.has(id)),
        }),
      )
      .filter((message) => message.r.length > 0);
    if (messages.length > 0) await this.options.redis.publish(this.channel, JSON.stringify(messages));
  }

  async subscribe(userId: bigint, listener: FeedListener): Promise<() => void> {
    const key = userId.toString();
    let listeners = this.listeners.get(key);
    if (!listeners) {
      listeners = new Set();
      this.listeners.set(key, listeners);
    }
    listeners.add(listener);
    this.startHeartbeat();
    await Promise.all([this.ensureSubscribed(this.channel), this.vouchFor([key])]);
    return () => {
      const current = this.listeners.get(key);
      if (!current) return;
      current.delete(listener);
      // The reader's claim is left to expire: another process may be streaming to the same reader.
      if (current.size === 0) this.listeners.delete(key);
    };
  }

  async publishPublic(events: readonly PublicEvent[]): Promise<void> {
    if (events.length === 0) return;
    const messages = events.map(
      (event): PublicMessage => ({
        k: event.kind,
        t: event.tweetId.toString(),
        g: [...event.tags],
        m: event.media ? 1 : 0,
      }),
    );
    await this.options.redis.publish(this.publicChannel, JSON.stringify(messages));
  }

  async subscribePublic(listener: PublicListener): Promise<() => void> {
    const entry: PublicListener = (event) => listener(event);
    this.publicListeners.add(entry);
    try {
      await this.ensureSubscribed(this.publicChannel);
    } catch (error) {
      this.publicListeners.delete(entry);
      throw error;
    }
    return () => void this.publicListeners.delete(entry);
  }

  async close(): Promise<void> {
    if (this.heartbeat) clearInterval(this.heartbeat);
    this.heartbeat = undefined;
    this.listeners.clear();
    this.publicListeners.clear();
    const subscriber = this.subscriber;
    this.subscriber = undefined;
    this.subscribed.clear();
    if (subscriber) await subscriber.quit().catch(() => subscriber.disconnect());
  }

  /** Claims (or renews) the readers as connected; GT keeps the latest expiry when several processes vouch. */
  private async vouchFor(readerIds: string[]): Promise<void> {
    if (readerIds.length === 0) return;
    const expiresAt = this.options.clock.now() + this.ttlMs;
    await this.options.redis.zadd(this.readersKey, 'GT', ...readerIds.flatMap((id) => [expiresAt, id]));
  }

  private startHeartbeat() {
    if (this.heartbeat) return;
    this.heartbeat = setInterval(() => {
      const now = this.options.clock.now();
      Promise.all([
        this.vouchFor([...this.listeners.keys()]),
        // Any process may sweep expired claims; it keeps the set the size of the live audience.
        this.options.redis.zremrangebyscore(this.readersKey, '-inf', now),
      ]).catch(this.onError);
    }, this.ttlMs / 3);
    this.heartbeat.unref();
  }

  /**
   * One subscriber connection per process, made on the first subscription (fanout-only processes never need it), and
   * each channel subscribed on it once it is first needed.
   */
  private ensureSubscribed(channel: string): Promise<void> {
    const pending = this.subscribed.get(channel);
    if (pending) return pending;
    let subscriber = this.subscriber;
    if (!subscriber) {
      subscriber = this.options.redis.duplicate();
      this.subscriber = subscriber;
      subscriber.on('error', this.onError);
      subscriber.on('message', (from: string, raw: string) => {
        if (from === this.channel) this.dispatch(raw);
        else if (from === this.publicChannel) this.dispatchPublic(raw);
      });
    }
    const connection = subscriber;
    // One SUBSCRIBE at a time: ioredis fails its ready check (INFO) on a connection that queued a second one before
    // it was ready.
    const before = [...this.subscribed.values()];
    const subscribing = Promise.allSettled(before)
      .then(() => connection.subscribe(channel))
      .then(
        () => undefined,
        (error: unknown) => {
          // The next subscription tries again on a fresh connection.
          this.subscribed.clear();
          if (this.subscriber === connection) this.subscriber = undefined;
          connection.disconnect();
          throw error;
        },
      );
    this.subscribed.set(channel, subscribing);
    return subscribing;
  }

  private dispatchPublic(raw: string) {
    for (const message of parseBatch<PublicMessage>(raw, this.onError)) this.dispatchPublicOne(message);
  }

  private dispatchPublicOne(message: PublicMessage) {
    if (
      !FEED_EVENT_KINDS.has(message.k) ||
      (message.k as string) === 'notification' ||
      !/^[0-9]{1,20}$/.test(message.t)
    )
      return;
    const tags = Array.isArray(message.g) ? message.g.filter((tag) => typeof tag === 'string') : [];
    // One object for every listener here, so the streams can share one rendering of it.
    const event: PublicEvent = { kind: message.k, tweetId: BigInt(message.t), tags, media: message.m === 1 };
    for (const listener of [...this.publicListeners]) {
      try {
        listener(event);
      } catch (error) {
        this.onError(error);
      }
    }
  }

  private dispatch(raw: string) {
    for (const message of parseBatch<FeedMessage>(raw, this.onError)) this.dispatchOne(message);
  }

  private dispatchOne(message: FeedMessage) {
    if (!FEED_EVENT_KINDS.has(message.k) || !/^[0-9]{1,20}$/.test(message.t)) return;
    const event: FeedEvent = feedEventOf(message.k, BigInt(message.t));
    for (const readerId of message.r ?? []) {
      const listeners = this.listeners.get(readerId);
      if (!listeners) continue;
      for (const listener of [...listeners]) {
        try {
          listener(event);
        } catch (error) {
          this.onError(error);
        }
      }
    }
  }
}

/** A message's events in order: a batch is an array; a lone object (as processes before batching sent) is one event. */
function parseBatch<M extends object>(raw: string, onError: (error: unknown) => void): M[] {
  let parsed: unknown;
  try {
    parsed = JSON.parse(raw);
  } catch (error) {
    onError(error);
    return [];
  }
  const items = Array.isArray(parsed) ? parsed : [parsed];
  return items.filter((item): item is M => typeof item === 'object' && item !== null);
}
