import type { Clock } from '../../src/ports/clock.js';

/** 2090-01-01: Snowflakes minted from here are above 2^61, past the precision of a double. */
export const FAR_FUTURE_MS = Date.UTC(2090, 0, 1);

/**
 * Time that moves only when told. `sleep` advances it by the requested amount at once, so code that waits (the
 * Snowflake generator at a sequence overflow, say) finishes without real time passing.
 */
export class TestClock implements Clock {
  constructor(private ms = FAR_FUTURE_MS) {}

  now(): number {
    return this.ms;
  }

  advance(ms: number): void {
    this.ms += ms;
  }

  set(ms: number): void {
    this.ms = ms;
  }

  async sleep(ms: number): Promise<void> {
    this.ms += Math.max(0, ms);
  }
}
