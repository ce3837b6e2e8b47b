import type { Tweet } from '../../src/domain/model.js';

/** A live tweet with every field filled in, for tests of the caches and codecs; override what the test is about. */
export function aTweet(id: bigint, overrides: Partial<Tweet> = {}): Tweet {
  return {
    id,
    authorId: 1n,
    text: `tweet ${id}`,
    status: 'ACTIVE',
    replyToId: null,
    replyToAuthorId: null,
    retweetOfId: null,
    visibility: 'public',
    language: null,
    spoilerText: '',
    sensitive: false,
    likeCount: 0,
    retweetCount: 0,
    replyCount: 0,
    createdAt: new Date(0),
    mentionIds: [],
    hashtags: [],
    media: [],
    editedAt: null,
    ...overrides,
  };
}
