import { encode } from 'blurhash';
import sharp, { type Metadata, type Sharp } from 'sharp';
import {
  IMAGE_TYPES,
  type ImageFormat,
  imageTooLarge,
  MEDIA_LIMITS,
  unsupportedMedia,
} from '../../domain/media.js';
import type { EncodedImage, ImageProcessor, ImageShape, ProcessedImage } from '../../ports/images.js';

// libvips keeps decoded images in a cache of its own; uploads are each seen once, so it would only hold memory.
sharp.cache(false);

/** The BlurHash is computed from this small a copy (its detail is 4 × 3 components anyway). */
const BLURHASH_SIZE = 32;

/** Width and height as shown: EXIF orientations 5–8 turn the stored image a quarter turn. */
function upright(meta: Metadata): { width: number; height: number } {
  const [width, height] = [meta.width ?? 0, meta.pageHeight ?? meta.height ?? 0];
  return (meta.orientation ?? 1) >= 5 ? { width: height, height: width } : { width, height };
}

/** The largest size of the same shape with at most `pixels` pixels (never larger than the image). */
function fitArea(width: number, height: number, pixels: number): { width: number; height: number } {
  const scale = Math.min(1, Math.sqrt(pixels / (width * height)));
  return { width: Math.max(1, Math.floor(width * scale)), height: Math.max(1, Math.floor(height * scale)) };
}

/** Re-encoded in the format it came in; an avatar or header is still, so a GIF one becomes a PNG. */
function encodeAs(image: Sharp, format: ImageFormat): Sharp {
  switch (format) {
    case 'jpeg':
      return image.jpeg({ quality: 85, progressive: true });
    case 'png':
      return image.png({ compressionLevel: 8 });
    case 'webp':
      return image.webp({ quality: 85 });
    case 'gif':
      return image.gif();
  }
}

async function render(image: Sharp, format: ImageFormat): Promise<EncodedImage> {
  const { data, info } = await encodeAs(image, format).toBuffer({ resolveWithObject: true });
  return { bytes: data, format, width: info.width, height: info.pageHeight ?? info.height };
}

async function blurhashOf(image: Uint8Array): Promise<string | null> {
  try {
    const { data, info } = await sharp(image)
      .resize(BLURHASH_SIZE, BLURHASH_SIZE, { fit: 'inside' })
      .ensureAlpha()
      .raw()
      .toBuffer({ resolveWithObject: true });
    return encode(new Uint8ClampedArray(data), info.width, info.height, 4, 3);
  } catch {
    return null;
  }
}

/**
 * Images through libvips (sharp). The header is read first, and its declared size checked, before any pixel is
 * decoded; then the whole image is decoded (any error in it fails the upload), turned upright, and re-encoded without
 * its metadata: EXIF, GPS and comments never reach a stored file.
 */
export class SharpImageProcessor implements ImageProcessor {
  async process(bytes: Uint8Array, format: ImageFormat, shape: ImageShape): Promise<ProcessedImage> {
    const meta = await this.header(bytes, format);
    const frames = meta.pages ?? 1;
    const size = upright(meta);
    if (size.width * size.height > MEDIA_LIMITS.maxPixels) {
      throw imageTooLarge(
        `the image is ${size.width} × ${size.height} pixels; the limit is ${MEDIA_LIMITS.maxPixels} pixels`,
      );
    }
    if (frames > MEDIA_LIMITS.maxFrames) {
      throw imageTooLarge(`the image has ${frames} frames; the limit is ${MEDIA_LIMITS.maxFrames}`);
    }
    // An animation stays one only as an attachment; avatars and headers take the first frame.
    const animated = shape === 'attachment' && frames > 1;
    const input = () =>
      sharp(bytes, {
        animated,
        failOn: 'error',
        limitInputPixels: MEDIA_LIMITS.maxPixels * (animated ? frames : 1),
      }).rotate();
    try {
      if (shape === 'attachment') {
        const full = fitArea(size.width, size.height, MEDIA_LIMITS.originalPixels);
        const small = fitArea(size.width, size.height, MEDIA_LIMITS.previewPixels);
        const original = await render(input().resize(full.width, full.height, { fit: 'fill' }), format);
        const preview = await render(
          sharp(original.bytes).resize(small.width, small.height, { fit: 'fill' }),
          'webp',
        );
        return { original, preview, blurhash: await blurhashOf(preview.bytes) };
      }
      const box = shape === 'avatar' ? MEDIA_LIMITS.avatar : MEDIA_LIMITS.header;
      const still = format === 'gif' ? 'png' : format;
      const original = await render(input().resize(box.width, box.height, { fit: 'cover' }), still);
      return { original, preview: original, blurhash: await blurhashOf(original.bytes) };
    } catch {
      // The decoder found the file broken past its header.
      throw unsupportedMedia(`the file is not a well-formed ${IMAGE_TYPES[format]} image`);
    }
  }

  /** The image's header, read without decoding pixels; it must say the format the first bytes claimed. */
  private async header(bytes: Uint8Array, format: ImageFormat): Promise<Metadata> {
    let meta: Metadata;
    try {
      meta = await sharp(bytes, { limitInputPixels: false }).metadata();
    } catch {
      throw unsupportedMedia(`the file is not a well-formed ${IMAGE_TYPES[format]} image`);
    }
    if (meta.format !== format || !meta.width || !meta.height) {
      throw unsupportedMedia(`the file is not a well-formed ${IMAGE_TYPES[format]} image`);
    }
    return meta;
  }
}
