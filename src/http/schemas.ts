import { Type } from 'typebox';

/**
 * Request and response schemas. Requests are strict (unknown fields are refused); responses are serialised through
 * their schema, so a field not listed here can never leak out.
 */

const strict = { additionalProperties: false } as const;

export const IdString = Type.String({
  pattern: '^[0-9]{1,20}$',
  description: '64-bit Snowflake id as a decimal string',
});
export const HandleString = Type.String({ minLength: 1, maxLength: 64, description: 'account handle' });

export const IdParams = Type.Object({ id: IdString }, strict);
export const HandleParams = Type.Object({ handle: HandleString }, strict);

const limit = Type.Integer({ minimum: 1, description: 'page size, default 50; above 100 is clamped' });
const cursor = Type.String({ minLength: 1, maxLength: 64, description: 'next_cursor of the previous page' });

export const PageQuery = Type.Object({ limit: Type.Optional(limit), cursor: Type.Optional(cursor) }, strict);
export const TimelineQuery = Type.Object(
  { limit: Type.Optional(limit), cursor: Type.Optional(cursor), since_id: Type.Optional(IdString) },
  strict,
);

export const SearchQuery = Type.Object(
  {
    q: Type.String({
      maxLength: 1024,
      description:
        'tweets: words, "quoted phrases", #hashtags and @handles, all required; accounts: a handle prefix or words of a display name',
    }),
    limit: Type.Optional(limit),
    cursor: Type.Optional(cursor),
  },
  strict,
);

export const SignUpBody = Type.Object(
  {
    handle: Type.String({ maxLength: 64 }),
    password: Type.String({ maxLength: 1024 }),
    display_name: Type.Optional(Type.String({ maxLength: 200 })),
  },
  strict,
);
export const LogInBody = Type.Object(
  { handle: Type.String({ maxLength: 64 }), password: Type.String({ maxLength: 1024 }) },
  strict,
);
export const PostTweetBody = Type.Object(
  {
    text: Type.String({ maxLength: 10_000 }),
    reply_to_id: Type.Optional(Type.Union([IdString, Type.Null()])),
  },
  strict,
);

/** `Idempotency-Key` on POST /tweets: a retry with the same key and body returns the same tweet. */
export const IdempotencyHeaders = Type.Object(
  {
    'idempotency-key': Type.Optional(
      Type.String({
        minLength: 1,
        maxLength: 64,
        pattern: '^[A-Za-z0-9_.:-]+$',
        description: 'Makes posting safe to retry for 24 hours: the same key and body return the same tweet',
      }),
    ),
  },
  { additionalProperties: true },
);

export const ErrorResponse = Type.Object({
  error: Type.Object({ code: Type.String(), message: Type.String() }),
});

export const Account = Type.Object({
  id: IdString,
  handle: Type.String(),
  display_name: Type.String(),
  created_at: Type.String({ format: 'date-time' }),
  followers_count: Type.Integer(),
  following_count: Type.Integer(),
  tweets_count: Type.Integer(),
});

const tweetFields = {
  id: IdString,
  author: Type.Object({ id: IdString, handle: Type.String(), display_name: Type.String() }),
  text: Type.String(),
  created_at: Type.String({ format: 'date-time' }),
  reply_to_id: Type.Union([IdString, Type.Null()]),
  like_count: Type.Integer(),
  retweet_count: Type.Integer(),
  reply_count: Type.Integer(),
  mentions: Type.Array(Type.String()),
  hashtags: Type.Array(Type.String()),
  liked: Type.Boolean(),
  retweeted: Type.Boolean(),
};

/** A retweet embeds its original one level deep; an original never embeds anything. */
export const OriginalTweet = Type.Object({ ...tweetFields, retweet_of: Type.Null() });
export const Tweet = Type.Object({ ...tweetFields, retweet_of: Type.Union([OriginalTweet, Type.Null()]) });

const nextCursor = Type.Union([Type.String(), Type.Null()]);
export const TweetPage = Type.Object({ tweets: Type.Array(Tweet), next_cursor: nextCursor });
export const AccountPage = Type.Object({ accounts: Type.Array(Account), next_cursor: nextCursor });
export const SessionResponse = Type.Object({ account: Account, token: Type.String() });
export const NoContent = Type.Null({ description: 'no content' });
export const FollowResponse = Type.Object({ following: Type.Boolean() });
export const LikeResponse = Type.Object({ liked: Type.Boolean() });

/** The error statuses a route can answer with, for its response schema (and the OpenAPI document). */
export const errors = (...statuses: number[]) =>
  Object.fromEntries(statuses.map((status) => [status, ErrorResponse])) as Record<
    number,
    typeof ErrorResponse
  >;
