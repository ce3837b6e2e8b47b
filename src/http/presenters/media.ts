import { type Static, Type } from 'typebox';
import type { AttachedMedia } from '../../domain/model.js';
import { nullable } from '../schemas.js';
import type { Presentation } from './presentation.js';

/** Where a stored file is served: immutable URLs on this server (see routes/files.ts). */
export const mediaUrl = (key: string, { origin }: Presentation) => `${origin}/media/${key}`;

const Size = Type.Object({
  width: Type.Integer(),
  height: Type.Integer(),
  size: Type.String({ description: '"WIDTHxHEIGHT"' }),
  aspect: Type.Number(),
});

/** The Mastodon MediaAttachment entity, for images. */
export const MediaAttachmentSchema = Type.Object({
  id: Type.String({ description: '64-bit Snowflake as a decimal string' }),
  type: Type.Literal('image'),
  url: Type.String({ description: 'the re-encoded image, at most 3840 × 2160 worth of pixels' }),
  preview_url: Type.String({ description: 'a small WebP, at most 640 × 360 worth of pixels' }),
  remote_url: Type.Null(),
  preview_remote_url: Type.Null(),
  text_url: Type.Null(),
  meta: Type.Object({
    original: Size,
    small: Size,
    focus: Type.Object({ x: Type.Number(), y: Type.Number() }),
  }),
  description: nullable(Type.String(), { description: 'alt text; null when there is none' }),
  blurhash: nullable(Type.String()),
});

export type MediaAttachmentJson = Static<typeof MediaAttachmentSchema>;

const size = (width: number, height: number) => ({
  width,
  height,
  size: `${width}x${height}`,
  aspect: width / height,
});

export function presentMedia(media: AttachedMedia, presentation: Presentation): MediaAttachmentJson {
  return {
    id: media.id.toString(),
    type: 'image',
    url: mediaUrl(media.fileKey, presentation),
    preview_url: mediaUrl(media.previewKey, presentation),
    remote_url: null,
    preview_remote_url: null,
    text_url: null,
    meta: {
      original: size(media.width, media.height),
      small: size(media.previewWidth, media.previewHeight),
      focus: { ...media.focus },
    },
    description: media.description === '' ? null : media.description,
    blurhash: media.blurhash,
  };
}
