import { type Static, Type } from 'typebox';
import type { TweetVersion } from '../../ports/tweet-edits.js';
import type { TweetView } from '../../services/hydrate.js';
import { AccountSchema, presentAccount } from './account.js';
import { contentHtml, mentionedHandles } from './content.js';
import { MediaAttachmentSchema, presentMedia } from './media.js';
import type { Presentation } from './presentation.js';

/** The Mastodon StatusEdit entity: one version of a post, as its history lists it. */
export const StatusEditSchema = Type.Object({
  content: Type.String({ description: 'HTML, as Status.content' }),
  spoiler_text: Type.String(),
  sensitive: Type.Boolean(),
  created_at: Type.String({ format: 'date-time', description: 'when this version was written' }),
  account: AccountSchema,
  poll: Type.Null(),
  media_attachments: Type.Array(MediaAttachmentSchema),
  emojis: Type.Array(Type.Object({})),
});

export const StatusSourceSchema = Type.Object({
  id: Type.String(),
  text: Type.String({ description: 'the text as its author wrote it' }),
  spoiler_text: Type.String(),
});

export type StatusEditJson = Static<typeof StatusEditSchema>;

/** A version of `view`'s post; its mentions link the accounts the post mentions now. */
export function presentStatusEdit(
  version: TweetVersion,
  view: TweetView,
  presentation: Presentation,
): StatusEditJson {
  const mentioned = mentionedHandles(view.mentions);
  return {
    content: contentHtml(version.text, mentioned, presentation.origin),
    spoiler_text: version.spoilerText,
    sensitive: version.sensitive,
    created_at: version.createdAt.toISOString(),
    account: presentAccount(view.author, presentation),
    poll: null,
    media_attachments: version.media.map((m) => presentMedia(m, presentation)),
    emojis: [],
  };
}
