import { deflateSync } from 'node:zlib';
import sharp from 'sharp';
import type { Harness, Reply, User } from './harness.js';

/** Images made for the tests, and the multipart calls that upload them. */

/** A solid-colour image of the given size and format (half red, half blue, so scaling and cropping show). */
export async function image(
  width: number,
  height: number,
  format: 'png' | 'jpeg' | 'webp' | 'gif' = 'png',
): Promise<Buffer> {
  const half = await sharp({
    create: { width: Math.max(1, Math.floor(width / 2)), height, channels: 3, background: '#2244dd' },
  })
    .png()
    .toBuffer();
  return sharp({ create: { width, height, channels: 3, background: '#dd2222' } })
    .composite([{ input: half, left: 0, top: 0 }])
    .toFormat(format)
    .toBuffer();
}

const CRC_TABLE = Array.from({ length: 256 }, (_, n) => {
  let c = n;
  for (let k = 0; k < 8; k++) c = c & 1 ? 0xedb88320 ^ (c >>> 1) : c >>> 1;
  return c >>> 0;
});
function crc32(bytes: Buffer): number {
  let crc = 0xffffffff;
  for (const byte of bytes) crc = (CRC_TABLE[(crc ^ byte) & 0xff] as number) ^ (crc >>> 8);
  return (crc ^ 0xffffffff) >>> 0;
}
function chunk(type: string, data: Buffer): Buffer {
  const length = Buffer.alloc(4);
  length.writeUInt32BE(data.length);
  const body = Buffer.concat([Buffer.from(type, 'latin1'), data]);
  const crc = Buffer.alloc(4);
  crc.writeUInt32BE(crc32(body));
  return Buffer.concat([length, body, crc]);
}

/** A valid PNG header declaring `width` × `height` pixels, followed by a token of image data: a decompression bomb. */
export function pngHeader(width: number, height: number): Buffer {
  const header = Buffer.alloc(13);
  header.writeUInt32BE(width, 0);
  header.writeUInt32BE(height, 4);
  header[8] = 8; // bit depth
  header[9] = 2; // RGB
  return Buffer.concat([
    Buffer.from([0x89, 0x50, 0x4e, 0x47, 0x0d, 0x0a, 0x1a, 0x0a]),
    chunk('IHDR', header),
    chunk('IDAT', deflateSync(Buffer.alloc(1_024))),
    chunk('IEND', Buffer.alloc(0)),
  ]);
}

export const SVG_WITH_SCRIPT = Buffer.from(
  '<?xml version="1.0"?><svg xmlns="http://www.w3.org/2000/svg" width="10" height="10">' +
    '<script>alert(document.cookie)</script><rect width="10" height="10"/></svg>',
);

/** A multipart body as a Mastodon client sends it: files as blobs with a name and type, the rest as fields. */
export function form(fields: Record<string, string | { bytes: Uint8Array; name: string; type: string }>) {
  const body = new FormData();
  for (const [name, value] of Object.entries(fields)) {
    if (typeof value === 'string') body.append(name, value);
    else body.append(name, new Blob([value.bytes], { type: value.type }), value.name);
  }
  return body;
}

export const file = (bytes: Uint8Array, name = 'photo.png', type = 'image/png') => ({ bytes, name, type });

/** `POST /api/v2/media` with a file and optional fields. */
export const upload = (
  h: Harness,
  user: User,
  bytes: Uint8Array,
  fields: Record<string, string> = {},
  name?: string,
  type?: string,
): Promise<Reply> =>
  h.call('POST', '/api/v2/media', {
    token: user.token,
    body: form({ file: file(bytes, name, type), ...fields }),
  });

/** A stored file, fetched as a client's browser would (in-process). */
export async function fetchFile(h: Harness, url: string) {
  const response = await h.app.http.inject({ method: 'GET', url: new URL(url).pathname });
  return { status: response.statusCode, headers: response.headers, bytes: response.rawPayload };
}
