import type { ImageFormat } from '../domain/media.js';

/** What an image is made into: an attachment (scaled to fit), a square avatar, or a wide header (both cropped). */
export type ImageShape = 'attachment' | 'avatar' | 'header';

/** One re-encoded file. */
export interface EncodedImage {
  bytes: Uint8Array;
  format: ImageFormat;
  width: number;
  height: number;
}

export interface ProcessedImage {
  /** The image to show: decoded, turned upright, stripped of metadata (EXIF, GPS), re-encoded, scaled to its shape. */
  original: EncodedImage;
  /** A small version for timelines. */
  preview: EncodedImage;
  /** A BlurHash of the image, for clients to show while it loads; null if it could not be made. */
  blurhash: string | null;
}

/**
 * Turns an upload into files fit to serve. Only the decoder for `format` (what the file's bytes claimed) reads it, and
 * it reads the whole image: a file that is not a well-formed image of that format, or whose header declares more
 * pixels or frames than `MEDIA_LIMITS` allow, is refused (`unsupported_media_type`, `image_too_large`) before
 * anything is stored.
 */
export interface ImageProcessor {
  process(bytes: Uint8Array, format: ImageFormat, shape: ImageShape): Promise<ProcessedImage>;
}
