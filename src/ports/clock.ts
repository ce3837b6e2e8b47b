/** Time, as a port so tests can step it by hand and never sleep. */
export interface Clock {
  /** Milliseconds since the Unix epoch. */
  now(): number;
  /** Resolves after `ms` of this clock's time. */
  sleep(ms: number): Promise<void>;
}

/** Mints unique, roughly time-ordered 64-bit ids (Snowflakes). */
export interface IdGenerator {
  next(): Promise<bigint>;
}
