import { type Static, Type } from 'typebox';
import type { TweetView } from '../../services/hydrate.js';
import { nullable, oneOf } from '../schemas.js';
import { AccountSchema, presentAccount } from './account.js';
import { contentHtml, mentionedHandles } from './content.js';
import { MediaAttachmentSchema, presentMedia } from './media.js';
import type { Presentation } from './presentation.js';

const MentionSchema = Type.Object({
  id: Type.String(),
  username: Type.String(),
  acct: Type.String(),
  url: Type.String(),
});
const TagSchema = Type.Object({ name: Type.String(), url: Type.String() });

/** The fields of a Status; a boost carries its original in `reblog`, one level deep. */
const statusFields = {
  id: Type.String({ description: '64-bit Snowflake as a decimal string; a boost has an id of its own' }),
  uri: Type.String(),
  url: Type.String(),
  created_at: Type.String({ format: 'date-time', description: 'with milliseconds' }),
  edited_at: nullable(Type.String({ format: 'date-time', description: 'when last edited; null if never' })),
  account: AccountSchema,
  content: Type.String({ description: 'HTML: links, mentions and hashtags; everything else escaped' }),
  visibility: oneOf(['public', 'unlisted']),
  sensitive: Type.Boolean(),
  spoiler_text: Type.String(),
  media_attachments: Type.Array(MediaAttachmentSchema),
  mentions: Type.Array(MentionSchema),
  tags: Type.Array(TagSchema),
  emojis: Type.Array(Type.Object({})),
  reblogs_count: Type.Integer(),
  favourites_count: Type.Integer(),
  replies_count: Type.Integer(),
  in_reply_to_id: nullable(Type.String()),
  in_reply_to_account_id: nullable(Type.String()),
  language: nullable(Type.String()),
  poll: Type.Null(),
  card: Type.Null(),
  favourited: Type.Boolean(),
  reblogged: Type.Boolean(),
  muted: Type.Boolean(),
  bookmarked: Type.Boolean(),
  pinned: Type.Boolean(),
  filtered: Type.Array(Type.Object({})),
};

export const StatusSchema = Type.Object({
  ...statusFields,
  reblog: nullable(Type.Object({ ...statusFields, reblog: Type.Null() })),
});

export type StatusJson = Static<typeof StatusSchema>;

type BoostedJson = NonNullable<StatusJson['reblog']>;

/** One status, its `reblog` given: built in one literal, as spreading 30 fields into another showed in a profile. */
function presentOne<R extends BoostedJson | null>(
  view: TweetView,
  presentation: Presentation,
  reblog: R,
): Omit<StatusJson, 'reblog'> & { reblog: R } {
  const { tweet, author } = view;
  const { origin } = presentation;
  const url = `${origin}/@${author.handle}/${tweet.id}`;
  const mentioned = mentionedHandles(view.mentions);
  return {
    id: tweet.id.toString(),
    uri: url,
    url,
    created_at: tweet.createdAt.toISOString(),
    edited_at: tweet.editedAt?.toISOString() ?? null,
    account: presentAccount(author, presentation),
    content: contentHtml(tweet.text, mentioned, origin),
    visibility: tweet.visibility,
    sensitive: tweet.sensitive,
    spoiler_text: tweet.spoilerText,
    media_attachments: tweet.media.map((m) => presentMedia(m, presentation)),
    mentions: view.mentions.map((a) => ({
      id: a.id.toString(),
      username: a.handle,
      acct: a.handle,
      url: `${origin}/@${a.handle}`,
    })),
    tags: tweet.hashtags.map((name) => ({ name, url: `${origin}/tags/${encodeURIComponent(name)}` })),
    emojis: [],
    reblogs_count: tweet.retweetCount,
    favourites_count: tweet.likeCount,
    replies_count: tweet.replyCount,
    in_reply_to_id: tweet.replyToId?.toString() ?? null,
    in_reply_to_account_id: tweet.replyToAuthorId?.toString() ?? null,
    language: tweet.language,
    poll: null,
    card: null,
    favourited: view.liked,
    reblogged: view.retweeted,
    muted: false,
    bookmarked: false,
    pinned: false,
    filtered: [],
    reblog,
  };
}

/** A hydrated tweet as a Mastodon Status; a retweet is a boost whose `reblog` is the original. */
export function presentStatus(view: TweetView, presentation: Presentation): StatusJson {
  return presentOne(
    view,
    presentation,
    view.retweetOf ? presentOne(view.retweetOf, presentation, null) : null,
  );
}
