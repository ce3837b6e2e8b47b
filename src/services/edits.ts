import { notFound, notSupported } from '../domain/errors.js';
import { parseLanguage, parseSpoilerText, parseTweetText } from '../domain/tweet-text.js';
import type { Clock } from '../ports/clock.js';
import type { TweetCache } from '../ports/tweet-cache.js';
import type { TweetEditStore, TweetVersion } from '../ports/tweet-edits.js';
import { type HydrateDeps, hydrateTweets, type TweetView } from './hydrate.js';
import { checkMediaIds } from './tweets.js';

export interface EditDeps extends HydrateDeps {
  edits: TweetEditStore;
  clock: Clock;
}

/** What an edit says; what it leaves out stays as it was (text included). */
export interface EditInput {
  text?: string | undefined;
  spoilerText?: string | undefined;
  sensitive?: boolean | undefined;
  language?: string | undefined;
  mediaIds?: readonly bigint[] | undefined;
}

/** A post's history: every version, oldest first, the original first and the current one last. */
export interface PostHistory {
  view: TweetView;
  versions: TweetVersion[];
}

/**
 * Editing one's own posts, and reading what they were. An edit is a write like any other: it commits with an outbox
 * event, and the workers tell every cache and open stream; the body cache is replaced here too, at once, so the
 * author's next read (from any api process) shows the edit.
 */
export function createEditService(deps: EditDeps) {
  const { tweets, edits, clock } = deps;
  const tweetCache: TweetCache | undefined = deps.tweetCache;

  async function view(id: bigint, viewerId: bigint | null): Promise<TweetView> {
    const found = (await hydrateTweets(deps, [id], viewerId)).get(id);
    if (!found) throw notFound('tweet');
    return found;
  }

  return {
    /** Only the author edits, and only an original: to anyone else the post does not exist. */
    async edit(authorId: bigint, id: bigint, input: EditInput): Promise<TweetView> {
      const before = (await tweets.byIds([id])).get(id);
      if (before?.status !== 'ACTIVE' || before.authorId !== authorId) throw notFound('tweet');
      if (before.retweetOfId !== null) throw notSupported('a boost cannot be edited');
      const mediaIds = checkMediaIds(input.mediaIds ?? before.media.map((m) => m.id));
      const text = parseTweetText(input.text ?? before.text, { allowEmpty: mediaIds.length > 0 });
      const spoilerText = parseSpoilerText(input.spoilerText ?? before.spoilerText, text.weightedLength);
      const language = input.language === undefined ? before.language : parseLanguage(input.language);
      const sensitive = (input.sensitive ?? before.sensitive) || spoilerText !== '';
      const edited = await edits.edit(
        authorId,
        id,
        {
          text: text.text,
          spoilerText,
          sensitive,
          language,
          mediaIds,
          mentions: text.mentions,
          hashtags: text.hashtags,
          editedAt: new Date(clock.now()),
        },
        { type: 'tweet.edited', tweetId: id, authorId },
      );
      if (!edited) throw notFound('tweet');
      // Replaced, not forgotten: a read racing this one cannot put the old body back (fills never replace).
      await tweetCache?.put([edited]).catch(() => undefined);
      return view(id, authorId);
    },

    async history(id: bigint, viewerId: bigint | null): Promise<PostHistory> {
      const current = await view(id, viewerId);
      const { tweet } = current;
      const versions = await edits.earlierVersions(id);
      const now: TweetVersion = {
        createdAt: tweet.editedAt ?? tweet.createdAt,
        text: tweet.text,
        spoilerText: tweet.spoilerText,
        sensitive: tweet.sensitive,
        language: tweet.language,
        media: tweet.media,
      };
      return { view: current, versions: [...versions, now] };
    },

    /** The text as its author wrote it, for a client's edit box. */
    source: (id: bigint, viewerId: bigint | null): Promise<TweetView> => view(id, viewerId),
  };
}

export type EditService = ReturnType<typeof createEditService>;
