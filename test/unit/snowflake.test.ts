import { describe, expect, it } from 'vitest';
import {
  composeSnowflake,
  decomposeSnowflake,
  MAX_BACKWARD_WAIT_MS,
  SNOWFLAKE_EPOCH_MS,
  SnowflakeGenerator,
} from '../../src/domain/snowflake.js';
import { TestClock } from '../support/clock.js';

describe('Snowflake ids', () => {
  it('lays out 41 bits of milliseconds since 2024-01-01, 10 bits of worker, 12 bits of sequence', () => {
    const id = composeSnowflake({ timestampMs: SNOWFLAKE_EPOCH_MS + 1, workerId: 3, sequence: 5 });
    expect(id).toBe((1n << 22n) | (3n << 12n) | 5n);
    expect(decomposeSnowflake(id)).toEqual({ timestampMs: SNOWFLAKE_EPOCH_MS + 1, workerId: 3, sequence: 5 });
  });

  it('round-trips ids above 2^60 exactly', () => {
    const clock = new TestClock();
    const parts = { timestampMs: clock.now(), workerId: 1023, sequence: 4095 };
    const id = composeSnowflake(parts);
    expect(id > 1n << 60n).toBe(true);
    expect(decomposeSnowflake(id)).toEqual(parts);
  });

  it('refuses timestamps before the epoch and workers outside 0..1023', () => {
    expect(() =>
      composeSnowflake({ timestampMs: SNOWFLAKE_EPOCH_MS - 1, workerId: 0, sequence: 0 }),
    ).toThrow();
    expect(() => new SnowflakeGenerator(1024, new TestClock())).toThrow();
    expect(() => new SnowflakeGenerator(-1, new TestClock())).toThrow();
  });

  it('increases strictly, with the worker id in every id', async () => {
    const generator = new SnowflakeGenerator(7, new TestClock());
    const ids = await Promise.all(Array.from({ length: 100 }, () => generator.next()));
    for (let i = 1; i < ids.length; i++) expect((ids[i] as bigint) > (ids[i - 1] as bigint)).toBe(true);
    expect(ids.every((id) => decomposeSnowflake(id).workerId === 7)).toBe(true);
  });

  it('mints at most 4,096 ids per millisecond, then waits for the next one', async () => {
    const clock = new TestClock();
    const start = clock.now();
    const generator = new SnowflakeGenerator(1, clock);
    const ids = await Promise.all(Array.from({ length: 4_097 }, () => generator.next()));
    const last = decomposeSnowflake(ids.at(-1) as bigint);
    expect(decomposeSnowflake(ids[4_095] as bigint)).toMatchObject({ timestampMs: start, sequence: 4_095 });
    expect(last).toMatchObject({ timestampMs: start + 1, sequence: 0 });
    expect(new Set(ids).size).toBe(4_097);
  });

  it('never goes backwards when the clock steps back a little: it waits the difference out', async () => {
    const clock = new TestClock();
    const generator = new SnowflakeGenerator(1, clock);
    const before = await generator.next();
    clock.advance(-500);
    const after = await generator.next();
    expect(after > before).toBe(true);
    expect(clock.now()).toBeGreaterThanOrEqual(decomposeSnowflake(before).timestampMs);
  });

  it('refuses with 503 when the clock steps back further than it will wait', async () => {
    const clock = new TestClock();
    const generator = new SnowflakeGenerator(1, clock);
    const before = await generator.next();
    clock.advance(-(MAX_BACKWARD_WAIT_MS + 1));
    await expect(generator.next()).rejects.toMatchObject({ code: 'unavailable' });
    // Once the clock has caught up, minting resumes above every id already issued.
    clock.advance(MAX_BACKWARD_WAIT_MS + 2);
    expect((await generator.next()) > before).toBe(true);
  });
});
