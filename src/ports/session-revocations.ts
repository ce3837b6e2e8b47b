/**
 * Tells every process at once that sessions ended, so one that remembers a session (to keep the database off the hot
 * path) forgets it, and closes what it serves on it. Delivery is best effort; a process that may have missed
 * messages (its subscription was interrupted) is told so, and must then forget every session it remembers.
 */
export interface SessionRevocations {
  /** Tells every subscribed process, this one included, that the sessions of these token hashes ended. */
  publish(tokenHashes: readonly string[]): Promise<void>;
  /**
   * Resolves once revocations published from now on reach `onRevoked`; `onGap` is called whenever some may have been
   * missed. The returned function stops them.
   */
  subscribe(onRevoked: (tokenHash: string) => void, onGap: () => void): Promise<() => void>;
  close(): Promise<void>;
}
