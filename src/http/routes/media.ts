import { Type } from 'typebox';
import { MEDIA_LIMITS } from '../../domain/media.js';
import type { Api, HttpContext } from '../api.js';
import { requireViewer } from '../auth.js';
import { IdParams, pathId } from '../params.js';
import { MediaAttachmentSchema, presentMedia } from '../presenters/media.js';
import { errors } from '../schemas.js';

/** Uploads arrive as multipart/form-data: a file of at most the media limit, and a thumbnail clients may add. */
export const UPLOAD_LIMITS = { multipartOptions: { limits: { fileSize: MEDIA_LIMITS.maxBytes, files: 2 } } };

export const MediaText = {
  description: Type.Optional(
    Type.String({
      maxLength: 4 * MEDIA_LIMITS.maxDescription,
      description: 'alt text, at most 1,500 characters',
    }),
  ),
  focus: Type.Optional(Type.String({ maxLength: 64, description: '"x,y", each from -1.0 to 1.0' })),
};

const Upload = Type.Object({
  file: Type.Unknown({
    description:
      'The image (JPEG, PNG, WebP or GIF, at most 16 MiB and 33,177,600 pixels), as a multipart file. What it is ' +
      "is read from its bytes, never from its name or the client's content type; SVG is refused.",
  }),
  thumbnail: Type.Optional(Type.Unknown({ description: 'ignored: images make their own preview' })),
  ...MediaText,
});

const UPLOAD_DOC =
  'Uploads an image to attach to a post (`media_ids`). It is decoded, turned upright, stripped of its metadata ' +
  '(EXIF, GPS), re-encoded and scaled to at most 3840 × 2160 worth of pixels, with a small preview and a BlurHash. ' +
  'Images are processed at once, so the answer is 200 with `url` set.';

type Slice = Pick<HttpContext, 'accounts' | 'media' | 'presentation'>;

/**
 * Media: uploading images (`/api/v2/media`, and `/api/v1/media` for older clients), and reading or changing one's own
 * uploads until a post lists them.
 */
export function mediaRoutes(app: Api, { accounts, media, presentation }: Slice) {
  const uploadSchema = {
    summary: 'Upload an image',
    description: UPLOAD_DOC,
    consumes: ['multipart/form-data'],
    body: Upload,
    response: { 200: MediaAttachmentSchema, ...errors(400, 401, 403, 413, 415, 422, 429) },
  };
  for (const path of ['/api/v2/media', '/api/v1/media']) {
    app.post(path, { schema: uploadSchema, config: UPLOAD_LIMITS }, async (request) => {
      const owner = await requireViewer(request, accounts, 'write:media');
      const { file, description, focus } = request.body;
      return presentMedia(await media.upload(owner, file, { description, focus }), presentation(request));
    });
  }

  app.get(
    '/api/v1/media/:id',
    { schema: { params: IdParams, response: { 200: MediaAttachmentSchema, ...errors(401, 403, 404) } } },
    async (request) => {
      const owner = await requireViewer(request, accounts, 'write:media');
      return presentMedia(await media.get(owner, pathId(request, 'media')), presentation(request));
    },
  );

  app.put(
    '/api/v1/media/:id',
    {
      schema: {
        description: 'Changes the alt text or focus of an upload no post lists yet (404 once one does).',
        params: IdParams,
        body: Type.Object(MediaText),
        response: { 200: MediaAttachmentSchema, ...errors(400, 401, 403, 404) },
      },
    },
    async (request) => {
      const owner = await requireViewer(request, accounts, 'write:media');
      const updated = await media.update(owner, pathId(request, 'media'), request.body);
      return presentMedia(updated, presentation(request));
    },
  );
}
