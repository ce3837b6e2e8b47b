import type { FollowerVersions } from '../../ports/follower-versions.js';

/** The embedded versions: one process applies every follow, so a counter per author in its memory is the truth. */
export class MemoryFollowerVersions implements FollowerVersions {
  private readonly versions = new Map<bigint, number>();

  async current(authorId: bigint): Promise<string> {
    return String(this.versions.get(authorId) ?? 0);
  }

  async bump(authorId: bigint): Promise<void> {
    this.versions.set(authorId, (this.versions.get(authorId) ?? 0) + 1);
  }
}
