/**
 * A version of each author's follower list, shared by every process. Whoever applies a follow or unfollow moves the
 * author's version before acting on it, so a process that keeps follower lists in memory can tell, with one cheap
 * question, whether its copy may be missing someone.
 *
 * Why that is enough: a copy is used only while its version is current. A follow applied after the copy was checked
 * moved the version after that check, so the follow's own merge of the author's recent tweets (read after it moved
 * the version) already sees every tweet fanned out with the old copy.
 */
export interface FollowerVersions {
  /**
   * The author's current version: an opaque token, equal only to a token read before if nothing moved it since. Never
   * equal to a token read before the versions were lost (a cache flush or restart).
   */
  current(authorId: bigint): Promise<string>;
  /** Moves the author's version. */
  bump(authorId: bigint): Promise<void>;
}
