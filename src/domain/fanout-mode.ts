import type { EventStream } from './events.js';

/**
 * How an author's tweets reach followers — the celebrity rule, whole, in one place.
 *
 * - `push`: fanout writes each tweet into followers' cached timelines.
 * - `pull` (a celebrity): each tweet goes into the author's own recent list only, and readers merge that list.
 * - `promoting` and `demoting`: the two crossings. The author's tweets are pushed *and* readers pull them, while
 *   fanout walks the followers: going up it adds the author to every follower's pulled set, then makes them `pull`;
 *   going down it merges the author's recent tweets into every follower's timeline and takes the author out of their
 *   pulled set, then makes them `push`. At every moment each follower gets the author's tweets one way or both, so a
 *   crossing loses nothing (and reads de-duplicate).
 *
 * The follower count starts a crossing (an author becomes a celebrity at `threshold` followers and stops being one
 * only below `threshold - margin`, so an author hovering at the threshold does not flap); fanout finishes it.
 */
export type FanoutMode = 'push' | 'promoting' | 'pull' | 'demoting';

export interface CelebrityRule {
  threshold: number;
  /** Followers below the threshold an author must fall to before being pushed again. */
  margin: number;
}

/** Whether fanout writes the author's tweets into followers' timelines when it applies them. */
export const pushes = (mode: FanoutMode): boolean => mode !== 'pull';

/** Whether readers merge the author's recent list at read time (the author is in their pulled set). */
export const pulls = (mode: FanoutMode): boolean => mode !== 'push';

/** Events of a celebrity travel apart, so a storm from one large account never queues ahead of ordinary fanout. */
export const streamOf = (mode: FanoutMode): EventStream => (mode === 'pull' ? 'celebrity' : 'fanout');

/** The mode after the follower count moved to `followers`: a steady mode may start a crossing, a crossing goes on. */
export function modeForFollowers(mode: FanoutMode, followers: number, rule: CelebrityRule): FanoutMode {
  if (mode === 'push' && followers >= rule.threshold) return 'promoting';
  if (mode === 'pull' && followers < rule.threshold - rule.margin) return 'demoting';
  return mode;
}

/**
 * Where a finished crossing lands: its goal, unless the count moved back past the other bound meanwhile, in which
 * case the way back starts at once.
 */
export function modeAfterCrossing(
  crossing: 'promoting' | 'demoting',
  followers: number,
  rule: CelebrityRule,
): FanoutMode {
  return modeForFollowers(crossing === 'promoting' ? 'pull' : 'push', followers, rule);
}

/** The event that makes fanout walk the followers for a crossing. */
export const crossingEvent = (crossing: 'promoting' | 'demoting', authorId: bigint) =>
  ({ type: crossing === 'promoting' ? 'author.promoted' : 'author.demoted', authorId }) as const;
