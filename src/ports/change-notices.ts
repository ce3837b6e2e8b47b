/** What changed, for the processes that keep a copy of it: an account's profile (name, bio, avatar, counts). */
export interface ChangeNotice {
  kind: 'account';
  id: bigint;
}

export type ChangeListener = (notice: ChangeNotice) => void;

/**
 * Tells every process that keeps copies in memory (the api processes' author directories) that something changed,
 * so they read it afresh. Best effort and at most once, like the live feed: a process that missed a notice (its
 * connection was down) shows its copy until that copy expires on its own, so every copy must have a bounded life.
 */
export interface ChangeNotices {
  announce(notice: ChangeNotice): Promise<void>;
  /** Resolves once notices announced from now on reach `listener`; the returned function stops them. */
  listen(listener: ChangeListener): Promise<() => void>;
  close(): Promise<void>;
}
