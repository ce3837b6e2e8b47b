import { LRUCache } from 'lru-cache';
import type { Clock } from '../ports/clock.js';

/**
 * An in-process memory of at most `max` entries (the least recently used go first), each forgotten `ttlMs` after it
 * was set — by the injected clock, asked on every lookup, so tests move time by hand.
 */
export function expiringMemory<K extends {}, V extends {}>(clock: Clock, max: number, ttlMs: number) {
  return new LRUCache<K, V>({ max, ttl: ttlMs, ttlResolution: 0, perf: { now: () => clock.now() } });
}
