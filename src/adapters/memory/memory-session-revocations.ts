import type { SessionRevocations } from '../../ports/session-revocations.js';

/** One process: the revocation is told to this process's listeners, at once. */
export class MemorySessionRevocations implements SessionRevocations {
  private readonly listeners = new Set<(tokenHash: string) => void>();

  async publish(tokenHashes: readonly string[]): Promise<void> {
    for (const tokenHash of tokenHashes) for (const listener of [...this.listeners]) listener(tokenHash);
  }

  async subscribe(onRevoked: (tokenHash: string) => void): Promise<() => void> {
    this.listeners.add(onRevoked);
    return () => {
      this.listeners.delete(onRevoked);
    };
  }

  async close(): Promise<void> {
    this.listeners.clear();
  }
}
