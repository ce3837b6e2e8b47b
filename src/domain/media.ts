import { AppError, validationFailed } from './errors.js';
import { CONTROL_CHARACTERS } from './tweet-text.js';

/** The image formats Starling takes, by what their bytes say they are. SVG is never one: it can carry script. */
export type ImageFormat = 'jpeg' | 'png' | 'webp' | 'gif';

export const IMAGE_TYPES: Record<ImageFormat, string> = {
  jpeg: 'image/jpeg',
  png: 'image/png',
  webp: 'image/webp',
  gif: 'image/gif',
};

/** The extension of a stored file names its type; files are only ever written by Starling's own encoder. */
export const EXTENSIONS: Record<ImageFormat, string> = { jpeg: 'jpg', png: 'png', webp: 'webp', gif: 'gif' };

/** The content type of a stored file, from its key's extension; null for a key Starling would not have written. */
export function contentTypeOfKey(key: string): string | null {
  const extension = /\.([a-z]+)$/.exec(key)?.[1];
  for (const [format, ext] of Object.entries(EXTENSIONS)) {
    if (ext === extension) return IMAGE_TYPES[format as ImageFormat];
  }
  return null;
}

/** A media store key: path segments of lower-case letters, digits, `_` and `-`, ending in an image extension. */
export const MEDIA_KEY = /^(?:[a-z0-9_-]{1,64}\/){1,4}[a-z0-9_-]{1,64}\.(?:jpg|png|webp|gif)$/;

export const MEDIA_LIMITS = {
  /** Bytes of one upload (Mastodon's default). */
  maxBytes: 16 * 1024 * 1024,
  /** Pixels of one image, as its header declares them: a 100,000 × 100,000 PNG header is refused unread. */
  maxPixels: 33_177_600,
  /** Frames of an animated GIF or WebP. */
  maxFrames: 200,
  /** The re-encoded original holds at most this many pixels (3840 × 2160); larger images are scaled down. */
  originalPixels: 8_294_400,
  /** The preview: at most 640 × 360 worth of pixels. */
  previewPixels: 230_400,
  /** Images per post. */
  maxPerStatus: 4,
  /** Alt text, in characters. */
  maxDescription: 1_500,
  avatar: { width: 400, height: 400 },
  header: { width: 1_500, height: 500 },
} as const;

export const tooLarge = (message: string) => new AppError('payload_too_large', message);
export const imageTooLarge = (message: string) => new AppError('image_too_large', message);
export const unsupportedMedia = (message: string) => new AppError('unsupported_media_type', message);

const startsWith = (bytes: Uint8Array, signature: readonly number[], at = 0) =>
  bytes.length >= at + signature.length && signature.every((byte, i) => bytes[at + i] === byte);

/**
 * The format the file's first bytes declare, or null. This only decides which decoder may look at the file; the
 * decoder then reads the whole image, and a file that is not what it claims fails there.
 */
export function sniffImage(bytes: Uint8Array): ImageFormat | null {
  if (startsWith(bytes, [0xff, 0xd8, 0xff])) return 'jpeg';
  if (startsWith(bytes, [0x89, 0x50, 0x4e, 0x47, 0x0d, 0x0a, 0x1a, 0x0a])) return 'png';
  if (
    startsWith(bytes, [0x47, 0x49, 0x46, 0x38]) &&
    (bytes[4] === 0x37 || bytes[4] === 0x39) &&
    bytes[5] === 0x61
  )
    return 'gif';
  if (startsWith(bytes, [0x52, 0x49, 0x46, 0x46]) && startsWith(bytes, [0x57, 0x45, 0x42, 0x50], 8))
    return 'webp';
  return null;
}

/** The uploaded file as a byte array, or a 4xx: a missing file, one over the limit, or one no image format claims. */
export function checkUpload(file: unknown, field: string): { bytes: Uint8Array; format: ImageFormat } {
  if (!(file instanceof Uint8Array)) {
    throw validationFailed(`${field} must be a file, sent as multipart/form-data`);
  }
  if (file.byteLength > MEDIA_LIMITS.maxBytes) {
    throw tooLarge(`${field} is ${file.byteLength} bytes; the limit is ${MEDIA_LIMITS.maxBytes}`);
  }
  const format = sniffImage(file);
  if (!format) throw unsupportedMedia(`${field} is not a JPEG, PNG, WebP or GIF image`);
  return { bytes: file, format };
}

/** `focus` as Mastodon sends it, "x,y" with each from -1.0 to 1.0. */
export function parseFocus(raw: string): { x: number; y: number } {
  const match = /^\s*(-?\d+(?:\.\d+)?)\s*,\s*(-?\d+(?:\.\d+)?)\s*$/.exec(raw);
  const [x, y] = [Number(match?.[1]), Number(match?.[2])];
  if (!match || !(Math.abs(x) <= 1) || !(Math.abs(y) <= 1)) {
    throw validationFailed('focus must be "x,y" with each from -1.0 to 1.0');
  }
  return { x, y };
}

/** Alt text: plain text (NFC, no control characters but line breaks), at most {@link MEDIA_LIMITS.maxDescription}. */
export function parseDescription(raw: string): string {
  if (!raw.isWellFormed()) throw validationFailed('description contains an unpaired surrogate');
  if (CONTROL_CHARACTERS.test(raw)) throw validationFailed('description contains control characters');
  const text = raw.normalize('NFC').trim();
  if ([...text].length > MEDIA_LIMITS.maxDescription) {
    throw validationFailed(`description is limited to ${MEDIA_LIMITS.maxDescription} characters`);
  }
  return text;
}
