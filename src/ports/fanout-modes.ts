import type { FanoutMode } from '../domain/fanout-mode.js';

/**
 * Authors' fanout modes as the source of truth holds them (the rule itself: src/domain/fanout-mode.ts). The follower
 * count starts a crossing, in the transaction that counts it (see CounterStore); fanout finishes it here.
 */
export interface FanoutModes {
  /** The author's mode now (`push` for an unknown author). */
  modeOf(authorId: bigint): Promise<FanoutMode>;
  /**
   * Ends the author's `crossing` where the rule lands it for the follower count now, enqueueing the next crossing's
   * event if that starts one, atomically. Null, and nothing changed, if the author is not in that crossing (a
   * redelivered event).
   */
  finishCrossing(authorId: bigint, crossing: 'promoting' | 'demoting'): Promise<FanoutMode | null>;
}
