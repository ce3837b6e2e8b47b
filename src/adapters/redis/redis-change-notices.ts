import type { Cluster, Redis } from 'ioredis';
import type { ChangeListener, ChangeNotice, ChangeNotices } from '../../ports/change-notices.js';

export interface RedisChangeNoticesOptions {
  /** Publishes; may be shared (never closed here). Subscribing takes a connection of its own, made from this one. */
  redis: Redis | Cluster;
  namespace: string;
  onError?: (error: unknown) => void;
}

const NOTICE = /^account:([0-9]{1,20})$/;

/**
 * Notices over Redis pub/sub: one channel, `account:<id>` messages, every subscribed process hears each. Plain PUBLISH
 * reaches every node of a Redis Cluster. A subscriber whose connection drops resubscribes when it is back (ioredis);
 * what was announced meanwhile is missed, and the copies it concerned expire on their own.
 */
export class RedisChangeNotices implements ChangeNotices {
  private readonly listeners = new Set<ChangeListener>();
  private readonly channel: string;
  private subscriber: Redis | Cluster | undefined;
  private subscribed: Promise<void> | undefined;

  constructor(private readonly options: RedisChangeNoticesOptions) {
    this.channel = `${options.namespace}:changes`;
  }

  async announce(notice: ChangeNotice): Promise<void> {
    await this.options.redis.publish(this.channel, `${notice.kind}:${notice.id}`);
  }

  async listen(listener: ChangeListener): Promise<() => void> {
    this.listeners.add(listener);
    await this.ensureSubscribed();
    return () => void this.listeners.delete(listener);
  }

  async close(): Promise<void> {
    this.listeners.clear();
    const subscriber = this.subscriber;
    this.subscriber = undefined;
    this.subscribed = undefined;
    if (subscriber) await subscriber.quit().catch(() => subscriber.disconnect());
  }

  private ensureSubscribed(): Promise<void> {
    if (this.subscribed) return this.subscribed;
    const subscriber = this.options.redis.duplicate();
    this.subscriber = subscriber;
    subscriber.on('error', (error: unknown) => this.options.onError?.(error));
    subscriber.on('message', (channel: string, message: string) => {
      const match = channel === this.channel ? NOTICE.exec(message) : null;
      if (!match?.[1]) return;
      const notice: ChangeNotice = { kind: 'account', id: BigInt(match[1]) };
      for (const listener of [...this.listeners]) {
        try {
          listener(notice);
        } catch (error) {
          this.options.onError?.(error);
        }
      }
    });
    this.subscribed = subscriber.subscribe(this.channel).then(
      () => undefined,
      (error: unknown) => {
        this.subscribed = undefined;
        this.subscriber = undefined;
        subscriber.disconnect();
        throw error;
      },
    );
    return this.subscribed;
  }
}
