import type { Cluster, Redis } from 'ioredis';
import type { SessionRevocations } from '../../ports/session-revocations.js';

const TOKEN_HASH = /^[0-9a-f]{64}$/;

/**
 * Revocations over Redis pub/sub: every process subscribes to one channel on a connection of its own. A plain PUBLISH
 * reaches every node's subscribers in a Cluster too. When that connection comes back after a loss, messages may have
 * been missed meanwhile: subscribers are told of the gap.
 */
export class RedisSessionRevocations implements SessionRevocations {
  private readonly channel: string;
  private subscriber: Redis | Cluster | undefined;
  private readonly listeners = new Set<{ onRevoked: (tokenHash: string) => void; onGap: () => void }>();

  constructor(
    private readonly options: {
      redis: Redis | Cluster;
      namespace: string;
      onError?: (error: unknown) => void;
    },
  ) {
    this.channel = `${options.namespace}:sessions:revoked`;
  }

  async publish(tokenHashes: readonly string[]): Promise<void> {
    if (tokenHashes.length > 0) await this.options.redis.publish(this.channel, tokenHashes.join(','));
  }

  async subscribe(onRevoked: (tokenHash: string) => void, onGap: () => void): Promise<() => void> {
    const listener = { onRevoked, onGap };
    this.listeners.add(listener);
    if (!this.subscriber) {
      const subscriber = this.options.redis.duplicate();
      this.subscriber = subscriber;
      subscriber.on('error', (error: unknown) => this.options.onError?.(error));
      let connectedBefore = false;
      subscriber.on('ready', () => {
        // After a reconnect what was published in between is lost; subscribing again is harmless if ioredis did.
        if (connectedBefore) {
          for (const each of [...this.listeners]) each.onGap();
          subscriber.subscribe(this.channel).catch((error: unknown) => this.options.onError?.(error));
        }
        connectedBefore = true;
      });
      subscriber.on('message', (channel: string, raw: string) => {
        if (channel !== this.channel) return;
        for (const tokenHash of raw.split(',')) {
          if (!TOKEN_HASH.test(tokenHash)) continue;
          for (const each of [...this.listeners]) each.onRevoked(tokenHash);
        }
      });
      // Redis down at start: the process runs on, remembering sessions only as long as its memory allows, and is
      // subscribed once Redis answers.
      await subscriber.subscribe(this.channel).catch((error: unknown) => {
        this.options.onError?.(error);
        connectedBefore = true;
      });
    }
    return () => {
      this.listeners.delete(listener);
    };
  }

  async close(): Promise<void> {
    this.listeners.clear();
    const subscriber = this.subscriber;
    this.subscriber = undefined;
    if (subscriber) await subscriber.quit().catch(() => subscriber.disconnect());
  }
}
