import sharp from 'sharp';
import { afterEach, describe, expect, it } from 'vitest';
import { MEDIA_LIMITS } from '../../src/domain/media.js';
import { follow, home, post } from '../support/client-api.js';
import { backends, type Harness, startHarness } from '../support/harness.js';
import { fetchFile, image, pngHeader, SVG_WITH_SCRIPT, upload } from '../support/images.js';
import { needs } from '../support/servers.js';

let h: Harness | undefined;
afterEach(async () => {
  await h?.close();
  h = undefined;
});

/** How many upload records and stored files there are: what a refused upload must leave as it was. */
async function stored(harness: Harness) {
  const [row] = await harness.app.sql.query<{ media: unknown; files: unknown }>(
    'SELECT (SELECT count(*) FROM media_attachments) AS media, (SELECT count(*) FROM media_files) AS files',
  );
  return { media: Number(row?.media), files: Number(row?.files) };
}

for (const backend of backends()) {
  describe(`media (${backend.name})`, () => {
    it('takes a PNG with alt text and focus, and serves it and its preview as immutable files', async () => {
      h = await startHarness({}, undefined, backend);
      const alice = await h.signUp('alice');
      const reply = await upload(h, alice, await image(800, 600), {
        description: 'A red and blue flag',
        focus: '-0.5,0.25',
      });
      expect(reply.status, JSON.stringify(reply.body)).toBe(200);
      const media = reply.body;
      expect(media).toMatchObject({
        id: expect.stringMatching(/^\d+$/),
        type: 'image',
        remote_url: null,
        description: 'A red and blue flag',
        meta: {
          original: { width: 800, height: 600, size: '800x600', aspect: 800 / 600 },
          focus: { x: -0.5, y: 0.25 },
        },
        blurhash: expect.any(String),
      });
      expect(media.meta.small.width * media.meta.small.height).toBeLessThanOrEqual(
        MEDIA_LIMITS.previewPixels,
      );

      const original = await fetchFile(h, media.url);
      expect(original.status).toBe(200);
      expect(original.headers['content-type']).toBe('image/png');
      expect(original.headers['cache-control']).toBe('public, max-age=31536000, immutable');
      expect(original.headers['x-content-type-options']).toBe('nosniff');
      expect(original.headers['content-security-policy']).toBe("default-src 'none'; sandbox");
      expect((await sharp(original.bytes).metadata()).format).toBe('png');
      const preview = await fetchFile(h, media.preview_url);
      expect(preview.headers['content-type']).toBe('image/webp');
      expect(await sharp(preview.bytes).metadata()).toMatchObject({
        width: media.meta.small.width,
        height: media.meta.small.height,
      });

      // The owner reads it back and changes its alt text while no post lists it.
      const got = await h.call('GET', `/api/v1/media/${media.id}`, { token: alice.token });
      expect(got.body).toEqual(media);
      const changed = await h.call('PUT', `/api/v1/media/${media.id}`, {
        token: alice.token,
        body: { description: 'A flag, red and blue' },
      });
      expect(changed.body.description).toBe('A flag, red and blue');
      expect(changed.body.meta.focus).toEqual({ x: -0.5, y: 0.25 });
      const bob = await h.signUp('bob');
      expect((await h.call('GET', `/api/v1/media/${media.id}`, { token: bob.token })).status).toBe(404);
    });

    it('strips EXIF (and GPS) from a JPEG, turns it upright, and scales a large image down', async () => {
      h = await startHarness({}, undefined, backend);
      const alice = await h.signUp('alice');
      const withExif = await sharp(await image(300, 200, 'jpeg'))
        .withExif({ IFD0: { Copyright: 'secret-location-51.5N', Artist: 'secret-artist' } })
        .withMetadata({ orientation: 6 })
        .jpeg()
        .toBuffer();
      expect(withExif.includes('secret-artist')).toBe(true);
      const reply = await upload(h, alice, withExif, {}, 'holiday.jpg', 'image/jpeg');
      expect(reply.status, JSON.stringify(reply.body)).toBe(200);
      // Orientation 6 is a quarter turn: the stored image is upright, 200 × 300.
      expect(reply.body.meta.original).toMatchObject({ width: 200, height: 300 });
      const served = await fetchFile(h, reply.body.url);
      expect(served.headers['content-type']).toBe('image/jpeg');
      expect(served.bytes.includes('secret')).toBe(false);
      const meta = await sharp(served.bytes).metadata();
      expect(meta.exif).toBeUndefined();
      expect(meta.orientation).toBeUndefined();

      const large = await upload(h, alice, await image(4_000, 3_000, 'webp'), {}, 'big.webp', 'image/webp');
      const { width, height } = large.body.meta.original;
      expect(width * height).toBeLessThanOrEqual(MEDIA_LIMITS.originalPixels);
      expect(Math.abs(width / height - 4 / 3)).toBeLessThan(0.01);
    });

    it('refuses bad uploads with a clear 4xx and stores nothing', async () => {
      h = await startHarness({}, undefined, backend);
      const alice = await h.signUp('alice');
      const before = await stored(h);
      const fifty = Buffer.alloc(50 * 1024 * 1024);
      pngHeader(100, 100).copy(fifty);
      const cases: [string, Buffer, string, string, number, string][] = [
        ['a 50 MB upload', fifty, 'big.png', 'image/png', 413, 'payload_too_large'],
        [
          'a PNG declaring 100,000 × 100,000',
          pngHeader(100_000, 100_000),
          'bomb.png',
          'image/png',
          422,
          'image_too_large',
        ],
        [
          'text named like an image',
          Buffer.from('just some text, honest'),
          'cat.png',
          'image/png',
          415,
          'unsupported_media_type',
        ],
        ['SVG with a script', SVG_WITH_SCRIPT, 'logo.svg', 'image/svg+xml', 415, 'unsupported_media_type'],
        ['SVG named like a PNG', SVG_WITH_SCRIPT, 'logo.png', 'image/png', 415, 'unsupported_media_type'],
        [
          'a PNG cut short',
          (await image(400, 400)).subarray(0, 300),
          'cut.png',
          'image/png',
          415,
          'unsupported_media_type',
        ],
      ];
      for (const [what, bytes, name, type, status, code] of cases) {
        const reply = await upload(h, alice, bytes, {}, name, type);
        expect(reply.status, `${what}: ${JSON.stringify(reply.body)}`).toBe(status);
        expect(reply.body.code, what).toBe(code);
        expect(reply.body.error, what).toEqual(expect.any(String));
      }
      const noFile = await h.call('POST', '/api/v2/media', {
        token: alice.token,
        body: { description: 'x' },
      });
      expect(noFile.status).toBe(400);
      const badFocus = await upload(h, alice, await image(10, 10), { focus: '2,0' });
      expect(badFocus.status).toBe(400);
      expect(await stored(h)).toEqual(before);
    });

    it("posts up to four of one's own images, in order, and a follower's timeline shows them", async () => {
      h = await startHarness({}, undefined, backend);
      const [alice, bob] = [await h.signUp('alice'), await h.signUp('bob')];
      await follow(h, bob, alice);
      const ids: string[] = [];
      for (let i = 0; i < 5; i++) {
        const reply = await upload(h, alice, await image(40 + i, 30), { description: `picture ${i}` });
        ids.push(reply.body.id);
      }
      const bobs = (await upload(h, bob, await image(20, 20))).body.id as string;
      const statusesBefore = (await h.call('GET', `/api/v1/accounts/${alice.id}/statuses`)).body.length;

      const refusals: [string, unknown][] = [
        ['a fifth image', ids],
        ["someone else's upload", [ids[0], bobs]],
        ['an id that names nothing', ['123456789']],
      ];
      for (const [what, mediaIds] of refusals) {
        const reply = await h.call('POST', '/api/v1/statuses', {
          token: alice.token,
          body: { status: 'look', media_ids: mediaIds },
        });
        expect(reply.status, `${what}: ${JSON.stringify(reply.body)}`).toBe(400);
        expect(reply.body.code).toBe('validation_failed');
      }
      expect((await h.call('GET', `/api/v1/accounts/${alice.id}/statuses`)).body).toHaveLength(
        statusesBefore,
      );

      const order = [ids[2], ids[0]] as string[];
      const id = await post(h, alice, '', { media_ids: order });
      await h.drain();
      const [shown] = (await home(h, bob)).body;
      expect(shown.id).toBe(id);
      expect(shown.content).toBe('');
      expect(shown.media_attachments.map((m: { id: string }) => m.id)).toEqual(order);
      expect(shown.media_attachments.map((m: { description: string }) => m.description)).toEqual([
        'picture 2',
        'picture 0',
      ]);
      const only = await h.call('GET', `/api/v1/accounts/${alice.id}/statuses?only_media=true`);
      expect(only.body.map((s: { id: string }) => s.id)).toEqual([id]);

      // Listed once, an image is the post's: no other post takes it, and its alt text changes only with the post.
      const again = await h.call('POST', '/api/v1/statuses', {
        token: alice.token,
        body: { status: 'again', media_ids: [ids[0]] },
      });
      expect(again.status).toBe(400);
      const put = await h.call('PUT', `/api/v1/media/${ids[0]}`, {
        token: alice.token,
        body: { description: 'x' },
      });
      expect(put.status).toBe(404);
    });

    it('says what it takes in the instance document', async () => {
      h = await startHarness({}, undefined, backend);
      const { body } = await h.call('GET', '/api/v2/instance');
      expect(body.configuration.statuses.max_media_attachments).toBe(4);
      expect(body.configuration.media_attachments).toMatchObject({
        supported_mime_types: ['image/jpeg', 'image/png', 'image/webp', 'image/gif'],
        image_size_limit: MEDIA_LIMITS.maxBytes,
        image_matrix_limit: MEDIA_LIMITS.maxPixels,
      });
    });
  });
}

describe('media across api processes', needs('postgres', 'redis', 'nats'), () => {
  it('serves from one process what another stored', async () => {
    h = await startHarness({}, undefined, backends()[1]);
    const other = await h.anotherApi();
    const alice = await h.signUp('alice');
    const media = (await upload(h, alice, await image(64, 48))).body;
    const served = await fetchFile(other, media.url);
    expect(served.status).toBe(200);
    expect((await sharp(served.bytes).metadata()).width).toBe(64);
  });
});
