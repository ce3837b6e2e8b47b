import { unavailable } from './errors.js';

/** 2024-01-01T00:00:00Z: the Snowflake epoch fixed by the API contract. */
export const SNOWFLAKE_EPOCH_MS = Date.UTC(2024, 0, 1);
export const WORKER_BITS = 10n;
export const SEQUENCE_BITS = 12n;
export const MAX_WORKER_ID = (1 << Number(WORKER_BITS)) - 1;
const MAX_SEQUENCE = (1 << Number(SEQUENCE_BITS)) - 1;
const MAX_TIMESTAMP = (1n << 41n) - 1n;

/** How far back the clock may step before the generator refuses instead of waiting it out. */
export const MAX_BACKWARD_WAIT_MS = 2_000;

/** Time as the generator sees it; tests drive it by hand. */
export interface SnowflakeClock {
  now(): number;
  sleep(ms: number): Promise<void>;
}

export interface SnowflakeParts {
  timestampMs: number;
  workerId: number;
  sequence: number;
}

export function composeSnowflake({ timestampMs, workerId, sequence }: SnowflakeParts): bigint {
  const elapsed = BigInt(timestampMs - SNOWFLAKE_EPOCH_MS);
  if (elapsed < 0n || elapsed > MAX_TIMESTAMP) throw new RangeError('timestamp outside the Snowflake range');
  return (elapsed << (WORKER_BITS + SEQUENCE_BITS)) | (BigInt(workerId) << SEQUENCE_BITS) | BigInt(sequence);
}

export function decomposeSnowflake(id: bigint): SnowflakeParts {
  return {
    timestampMs: Number(id >> (WORKER_BITS + SEQUENCE_BITS)) + SNOWFLAKE_EPOCH_MS,
    workerId: Number((id >> SEQUENCE_BITS) & BigInt(MAX_WORKER_ID)),
    sequence: Number(id & BigInt(MAX_SEQUENCE)),
  };
}

/** The smallest id that any worker could mint at `timestampMs`: a keyset bound for "newer than this time". */
export const snowflakeAt = (timestampMs: number): bigint =>
  composeSnowflake({ timestampMs, workerId: 0, sequence: 0 });

/**
 * Mints ids that increase strictly within this process: at most 4,096 per millisecond, after which it waits for the
 * next millisecond; when the clock steps back it waits until the clock catches up, and refuses (503) if that would
 * take longer than {@link MAX_BACKWARD_WAIT_MS}.
 */
export class SnowflakeGenerator {
  private lastMs = -1;
  private sequence = 0;
  private queue: Promise<unknown> = Promise.resolve();

  constructor(
    readonly workerId: number,
    private readonly clock: SnowflakeClock,
  ) {
    if (!Number.isInteger(workerId) || workerId < 0 || workerId > MAX_WORKER_ID) {
      throw new RangeError(`worker id must be 0..${MAX_WORKER_ID}`);
    }
  }

  /** Serialised so that concurrent callers never race on the sequence while one of them waits. */
  next(): Promise<bigint> {
    const result = this.queue.then(() => this.mint());
    this.queue = result.catch(() => undefined);
    return result;
  }

  private async mint(): Promise<bigint> {
    let now = this.clock.now();
    if (now < this.lastMs) {
      const behind = this.lastMs - now;
      if (behind > MAX_BACKWARD_WAIT_MS) {
        throw unavailable(`clock moved back ${behind} ms; refusing to mint ids`);
      }
      now = await this.waitUntil(this.lastMs);
    }
    if (now === this.lastMs) {
      this.sequence += 1;
      if (this.sequence > MAX_SEQUENCE) {
        now = await this.waitUntil(this.lastMs + 1);
        this.sequence = 0;
      }
    } else {
      this.sequence = 0;
    }
    this.lastMs = now;
    return composeSnowflake({ timestampMs: now, workerId: this.workerId, sequence: this.sequence });
  }

  private async waitUntil(targetMs: number): Promise<number> {
    let now = this.clock.now();
    while (now < targetMs) {
      await this.clock.sleep(targetMs - now);
      now = this.clock.now();
    }
    return now;
  }
}
