/**
 * Snowflake worker ids held by live processes. While a process holds a lease no other process can take that id;
 * the holder renews it well before it runs out, and releases it on exit.
 */
export interface WorkerLeases {
  /** Takes `preferred` if given (failing if it is held), else the lowest free id; the lease lasts `ttlMs`. */
  acquire(holder: string, ttlMs: number, preferred?: number): Promise<number>;
  /** Extends the lease; false if it was lost (expired and taken by someone else). */
  renew(holder: string, workerId: number, ttlMs: number): Promise<boolean>;
  release(holder: string, workerId: number): Promise<void>;
}
