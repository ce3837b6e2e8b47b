import type { Clock } from '../ports/clock.js';
import type { GraphStore } from '../ports/graph-store.js';
import { expiringMemory } from './expiring.js';

export interface CelebrityDirectorySettings {
  /** How long a reader's set of followed celebrities is reused before it is read again. */
  ttlMs: number;
  /** Readers whose sets are kept at once (the least recently read go first). */
  maxReaders: number;
}

/**
 * Which celebrities each reader follows, asked on every home read. A reader who follows thousands of accounts would
 * otherwise scan all their follows on every read, so the answer is kept for a short while and dropped at once when
 * that reader follows or unfollows someone here; in another process it lasts at most `ttlMs`, and an unfollowed
 * celebrity is filtered out by the read path anyway.
 */
export function createCelebrityDirectory(
  graph: GraphStore,
  clock: Clock,
  settings: CelebrityDirectorySettings,
) {
  const sets = expiringMemory<bigint, Promise<bigint[]>>(clock, settings.maxReaders, settings.ttlMs);
  return {
    followedBy(readerId: bigint): Promise<bigint[]> {
      const kept = sets.get(readerId);
      if (kept) return kept;
      const ids = graph.celebritiesFollowedBy(readerId);
      sets.set(readerId, ids);
      ids.catch(() => {
        if (sets.get(readerId) === ids) sets.delete(readerId);
      });
      return ids;
    },
    /** The reader's follows changed. */
    invalidate(readerId: bigint): void {
      sets.delete(readerId);
    },
    /** An author's fanout mode changed: every reader's set may be stale. */
    invalidateAll(): void {
      sets.clear();
    },
  };
}

export type CelebrityDirectory = ReturnType<typeof createCelebrityDirectory>;
