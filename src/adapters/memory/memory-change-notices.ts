import type { ChangeListener, ChangeNotice, ChangeNotices } from '../../ports/change-notices.js';

/** Embedded mode's notices: one process, so a notice goes straight to its listeners. */
export class MemoryChangeNotices implements ChangeNotices {
  private readonly listeners = new Set<ChangeListener>();

  async announce(notice: ChangeNotice): Promise<void> {
    for (const listener of [...this.listeners]) {
      try {
        listener(notice);
      } catch {
        // A listener forgets a copy; one that fails must not keep the notice from the others.
      }
    }
  }

  async listen(listener: ChangeListener): Promise<() => void> {
    this.listeners.add(listener);
    return () => void this.listeners.delete(listener);
  }

  async close(): Promise<void> {
    this.listeners.clear();
  }
}
