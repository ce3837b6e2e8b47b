import { notFound } from '../domain/errors.js';
import { checkUpload, EXTENSIONS, IMAGE_TYPES, parseDescription, parseFocus } from '../domain/media.js';
import type { MediaAttachment } from '../domain/model.js';
import type { Clock, IdGenerator } from '../ports/clock.js';
import type { EncodedImage, ImageProcessor } from '../ports/images.js';
import type { MediaAttachmentStore } from '../ports/media-attachments.js';
import type { MediaStore } from '../ports/media-store.js';

export interface MediaDeps {
  images: ImageProcessor;
  files: MediaStore;
  attachments: MediaAttachmentStore;
  ids: IdGenerator;
  clock: Clock;
}

/** What an upload says of its image besides the file: alt text, and where its subject is ("x,y"). */
export interface MediaText {
  description?: string | undefined;
  focus?: string | undefined;
}

const fileOf = (image: EncodedImage) => ({ contentType: IMAGE_TYPES[image.format], bytes: image.bytes });

/**
 * Uploads: an image is checked (size, then what its bytes are), decoded and re-encoded, its files stored, and only
 * then its record written, so a failed upload leaves no record (at most unreferenced files, which nothing serves a
 * link to). Avatars and headers take the same way, cropped to their shape.
 */
export function createMediaService({ images, files, attachments, ids, clock }: MediaDeps) {
  const textOf = (text: MediaText) => ({
    description: text.description === undefined ? undefined : parseDescription(text.description),
    focus: text.focus === undefined || text.focus === '' ? undefined : parseFocus(text.focus),
  });

  return {
    async upload(accountId: bigint, file: unknown, text: MediaText): Promise<MediaAttachment> {
      const { description, focus } = textOf(text);
      const { bytes, format } = checkUpload(file, 'file');
      const processed = await images.process(bytes, format, 'attachment');
      const id = await ids.next();
      const fileKey = `attachments/${id}/original.${EXTENSIONS[processed.original.format]}`;
      const previewKey = `attachments/${id}/small.${EXTENSIONS[processed.preview.format]}`;
      await Promise.all([
        files.put(fileKey, fileOf(processed.original)),
        files.put(previewKey, fileOf(processed.preview)),
      ]);
      const media: MediaAttachment = {
        id,
        accountId,
        tweetId: null,
        fileKey,
        previewKey,
        width: processed.original.width,
        height: processed.original.height,
        previewWidth: processed.preview.width,
        previewHeight: processed.preview.height,
        focus: focus ?? { x: 0, y: 0 },
        description: description ?? '',
        blurhash: processed.blurhash,
        createdAt: new Date(clock.now()),
      };
      await attachments.create(media);
      return media;
    },

    /** One of the account's own uploads; anyone else's does not exist. */
    async get(accountId: bigint, id: bigint): Promise<MediaAttachment> {
      const media = (await attachments.ownedBy(accountId, [id])).get(id);
      if (!media) throw notFound('media');
      return media;
    },

    /** Alt text and focus change until a post lists the image; after that, only by editing the post. */
    async update(accountId: bigint, id: bigint, text: MediaText): Promise<MediaAttachment> {
      const updated = await attachments.updateUnattached(accountId, id, textOf(text));
      if (!updated) throw notFound('media');
      return updated;
    },

    /** An avatar or header, cropped to its shape and stored under a key of its own; answers the key. */
    async profileImage(accountId: bigint, file: unknown, shape: 'avatar' | 'header'): Promise<string> {
      const { bytes, format } = checkUpload(file, shape);
      const { original } = await images.process(bytes, format, shape);
      const key = `${shape}s/${accountId}/${await ids.next()}.${EXTENSIONS[original.format]}`;
      await files.put(key, fileOf(original));
      return key;
    },

    /** A stored file, for serving. */
    file: (key: string) => files.get(key),
  };
}

export type MediaService = ReturnType<typeof createMediaService>;
