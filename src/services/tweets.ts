import { createHash } from 'node:crypto';
import { AppError, notFound, unavailable, validationFailed } from '../domain/errors.js';
import { MEDIA_LIMITS } from '../domain/media.js';
import type { Tweet, Visibility } from '../domain/model.js';
import { parseLanguage, parseSpoilerText, parseTweetText } from '../domain/tweet-text.js';
import type { Clock, IdGenerator } from '../ports/clock.js';
import { type HydrateDeps, hydrateTweets, presentInOrder, type TweetView } from './hydrate.js';

export interface TweetDeps extends HydrateDeps {
  ids: IdGenerator;
  clock: Clock;
}

/** What an author writes: the text, and what it says about itself. */
export interface PostInput {
  text: string;
  replyToId?: bigint | undefined;
  visibility?: Visibility | undefined;
  /** ISO 639 code; empty or absent for unknown. */
  language?: string | undefined;
  spoilerText?: string | undefined;
  sensitive?: boolean | undefined;
  /** The author's own unattached uploads, in the order to show them (at most `MEDIA_LIMITS.maxPerStatus`). */
  mediaIds?: readonly bigint[] | undefined;
}

/** The images a post lists: each once, at most four. */
export function checkMediaIds(ids: readonly bigint[] | undefined): bigint[] {
  const unique = [...new Set(ids ?? [])];
  if (unique.length > MEDIA_LIMITS.maxPerStatus) {
    throw validationFailed(`at most ${MEDIA_LIMITS.maxPerStatus} images per post`);
  }
  return unique;
}

/** How long an Idempotency-Key keeps answering with the tweet it created. */
const IDEMPOTENCY_TTL_MS = 24 * 3_600_000;

export function createTweetService(deps: TweetDeps) {
  const { tweets, ids, clock } = deps;

  async function visibleTweet(id: bigint): Promise<Tweet> {
    const tweet = (await tweets.byIds([id])).get(id);
    if (tweet?.status !== 'ACTIVE') throw notFound('tweet');
    return tweet;
  }

  /** Likes and retweets go to the original: acting on a retweet acts on what it retweeted. */
  async function originalOf(id: bigint): Promise<bigint> {
    const tweet = await visibleTweet(id);
    if (tweet.retweetOfId === null) return id;
    await visibleTweet(tweet.retweetOfId);
    return tweet.retweetOfId;
  }

  /**
   * The viewer's like or retweet as the cache keeps it, before the request answers, so their next page shows it; if
   * the cache cannot be told, the change stands in the database and the request fails as unavailable, to be retried.
   */
  async function tellCache(viewerId: bigint, tweetId: bigint, what: 'liked' | 'retweeted', on: boolean) {
    try {
      await deps.engagementCache?.setViewer(viewerId, tweetId, what, on);
    } catch {
      throw unavailable('the cache did not answer; the change is saved, try again');
    }
  }

  async function view(id: bigint, viewerId: bigint | null): Promise<TweetView> {
    const found = (await hydrateTweets(deps, [id], viewerId)).get(id);
    if (!found) throw notFound('tweet');
    return found;
  }

  return {
    /**
     * Commits the tweet and its fanout event together; fanout itself happens later, in the workers. With an
     * idempotency key, a retry of the same request returns the tweet it created (`created: false`), and a different
     * request with that key is refused.
     */
    async post(
      authorId: bigint,
      input: PostInput,
      idempotencyKey?: string,
    ): Promise<{ view: TweetView; created: boolean }> {
      const mediaIds = checkMediaIds(input.mediaIds);
      const text = parseTweetText(input.text, { allowEmpty: mediaIds.length > 0 });
      const spoilerText = parseSpoilerText(input.spoilerText ?? '', text.weightedLength);
      const language = parseLanguage(input.language ?? '');
      const visibility = input.visibility ?? 'public';
      // A content warning marks the post sensitive, as Mastodon does.
      const sensitive = (input.sensitive ?? false) || spoilerText !== '';
      const replyToId = input.replyToId ?? null;
      const id = await ids.next();
      const requestHash = createHash('sha256')
        .update(
          JSON.stringify([
            text.text,
            replyToId?.toString() ?? null,
            visibility,
            language,
            spoilerText,
            sensitive,
            // Only when there are any, so a post without images hashes as it always has.
            ...(mediaIds.length > 0 ? [mediaIds.map(String)] : []),
          ]),
        )
        .digest('hex');
      const outcome = await tweets.create(
        {
          id,
          authorId,
          text: text.text,
          replyToId,
          retweetOfId: null,
          visibility,
          language,
          spoilerText,
          sensitive,
          createdAt: new Date(clock.now()),
          mentions: text.mentions,
          hashtags: text.hashtags,
          mediaIds,
        },
        { type: 'tweet.created', tweetId: id, authorId },
        idempotencyKey === undefined
          ? undefined
          : { key: idempotencyKey, requestHash, keyTtlMs: IDEMPOTENCY_TTL_MS },
      );
      // Nothing was written: the tweet it replies to is not (or no longer) there.
      if (!outcome) throw notFound('tweet');
      if (!outcome.created) {
        if (outcome.requestHash !== requestHash) {
          throw new AppError(
            'idempotency_key_reused',
            'this Idempotency-Key was used for a different request',
          );
        }
        return { view: await view(outcome.tweetId, authorId), created: false };
      }
      // The answer is what was written: a new tweet has no likes, retweets or replies, and the statement read the
      // accounts it mentions; its author is almost always known here already.
      const author = (await deps.authors.byIds([authorId])).get(authorId);
      if (!author) throw notFound('account');
      const written = {
        tweet: outcome.tweet,
        author,
        mentions: outcome.mentioned,
        retweetOf: null,
        liked: false,
        retweeted: false,
      };
      return { view: written, created: true };
    },

    get: (id: bigint, viewerId: bigint | null): Promise<TweetView> => view(id, viewerId),

    /**
     * Only the author can delete; to anyone else the tweet does not exist. Answers with the tweet as it was, so a
     * client can offer to write it again.
     */
    async delete(authorId: bigint, id: bigint): Promise<TweetView> {
      const before = await view(id, authorId);
      const deleted = await tweets.markDeleted(authorId, id, {
        type: 'tweet.deleted',
        tweetId: id,
        authorId,
      });
      if (!deleted) throw notFound('tweet');
      // Readers stop seeing it at once; the fanout worker forgets it again, after any read that raced this one.
      await deps.tweetCache?.invalidate([id]).catch(() => undefined);
      return before;
    },

    /**
     * Retweets the original of `id` (a retweet of a retweet is one of its original). Retweeting again returns the
     * live retweet there is (`created: false`).
     */
    async retweet(
      authorId: bigint,
      id: bigint,
      visibility: Visibility = 'public',
    ): Promise<{ view: TweetView; created: boolean }> {
      const originalId = await originalOf(id);
      const retweetId = await ids.next();
      const outcome = await tweets.retweet(
        { id: retweetId, authorId, retweetOfId: originalId, visibility, createdAt: new Date(clock.now()) },
        { type: 'tweet.created', tweetId: retweetId, authorId },
      );
      if (!outcome) throw notFound('tweet');
      await tellCache(authorId, originalId, 'retweeted', true);
      return { view: await view(outcome.tweetId, authorId), created: outcome.created };
    },

    /** Undoes the caller's retweet of `id` (the original, or the retweet itself); idempotent. Answers the original. */
    async undoRetweet(authorId: bigint, id: bigint): Promise<TweetView> {
      const tweet = (await tweets.byIds([id])).get(id);
      if (!tweet) throw notFound('tweet');
      const originalId = tweet.retweetOfId ?? id;
      await tweets.undoRetweet(authorId, originalId, (retweetId) => ({
        type: 'tweet.deleted',
        tweetId: retweetId,
        authorId,
      }));
      await tellCache(authorId, originalId, 'retweeted', false);
      return view(originalId, authorId);
    },

    /** Idempotent: liking again changes nothing. Counters follow through the log. Answers the liked original. */
    async like(accountId: bigint, id: bigint): Promise<TweetView> {
      const tweetId = await originalOf(id);
      const like = { id: await ids.next(), accountId, tweetId, createdAt: new Date(clock.now()) };
      const outcome = await tweets.like(like, {
        stream: 'fanout',
        event: { type: 'tweet.liked', tweetId, accountId },
      });
      if (outcome === 'missing') throw notFound('tweet');
      await tellCache(accountId, tweetId, 'liked', true);
      return view(tweetId, accountId);
    },

    /** Idempotent: unliking what was not liked changes nothing. Answers the original. */
    async unlike(accountId: bigint, id: bigint): Promise<TweetView> {
      const tweetId = await originalOf(id);
      await tweets.unlike(accountId, tweetId, (counted) => ({
        stream: 'fanout',
        event: { type: 'tweet.unliked', tweetId, accountId, counted },
      }));
      await tellCache(accountId, tweetId, 'liked', false);
      return view(tweetId, accountId);
    },

    /** Several tweets at once, those that may be shown, in the order asked. */
    many: (tweetIds: readonly bigint[], viewerId: bigint | null): Promise<TweetView[]> =>
      presentInOrder(deps, tweetIds, viewerId),
  };
}

export type TweetService = ReturnType<typeof createTweetService>;
