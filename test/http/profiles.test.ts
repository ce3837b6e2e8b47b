import sharp from 'sharp';
import { afterEach, describe, expect, it } from 'vitest';
import { follow, home, post } from '../support/client-api.js';
import { backends, type Harness, startHarness, type User } from '../support/harness.js';
import { fetchFile, file, form, image, SVG_WITH_SCRIPT } from '../support/images.js';
import { needs } from '../support/servers.js';

let h: Harness | undefined;
afterEach(async () => {
  await h?.close();
  h = undefined;
});

const me = (harness: Harness, user: User) =>
  harness.call('GET', '/api/v1/accounts/verify_credentials', { token: user.token });
const update = (harness: Harness, user: User, body: unknown) =>
  harness.call('PATCH', '/api/v1/accounts/update_credentials', { token: user.token, body });

for (const backend of backends()) {
  describe(`update_credentials (${backend.name})`, () => {
    it('changes name, bio and fields (JSON); the bio and fields are safe HTML everywhere the account shows', async () => {
      h = await startHarness({}, undefined, backend);
      const [alice, bob] = [await h.signUp('alice'), await h.signUp('bob')];
      await follow(h, bob, alice);
      await post(h, alice, 'hello');
      await h.drain();
      // Bob's timeline shows (and so this process keeps) Alice as she was.
      expect((await home(h, bob)).body[0].account.display_name).toBe('alice');

      const reply = await update(h, alice, {
        display_name: ' Alice Liddell ',
        note: 'Down the <b>rabbit</b> hole with @bob & @nobody\nhttps://example.com #wonderland',
        fields_attributes: [
          { name: 'Site <i>', value: 'https://alice.example.com' },
          { name: '', value: '' },
          { name: 'Friend', value: '@bob' },
        ],
        source: { privacy: 'unlisted', sensitive: true, language: 'EN' },
        bot: true,
      });
      expect(reply.status, JSON.stringify(reply.body)).toBe(200);
      const account = reply.body;
      expect(account.display_name).toBe('Alice Liddell');
      expect(account.bot).toBe(true);
      expect(account.note).toContain('Down the &#60;b&#62;rabbit&#60;/b&#62; hole with');
      expect(account.note).toContain('<a href="http://localhost:80/@bob" class="u-url mention">');
      expect(account.note).not.toContain('/@nobody"');
      expect(account.note).toContain('class="mention hashtag" rel="tag">#<span>wonderland</span></a>');
      expect(account.note).toContain('<br />');
      expect(account.note).not.toMatch(/<b>|<script/);
      expect(account.fields).toEqual([
        {
          name: 'Site &#60;i&#62;',
          value: expect.stringContaining('href="https://alice.example.com/"'),
          verified_at: null,
        },
        { name: 'Friend', value: expect.stringContaining('class="u-url mention"'), verified_at: null },
      ]);
      expect(account.source).toMatchObject({
        note: 'Down the <b>rabbit</b> hole with @bob & @nobody\nhttps://example.com #wonderland',
        fields: [
          { name: 'Site <i>', value: 'https://alice.example.com' },
          { name: 'Friend', value: '@bob' },
        ],
        privacy: 'unlisted',
        sensitive: true,
        language: 'en',
      });
      expect((await me(h, alice)).body).toEqual(account);

      // At once, in this process: on her post in Bob's timeline, her page, and lookups.
      const [shown] = (await home(h, bob)).body;
      expect(shown.account).toMatchObject({ display_name: 'Alice Liddell', note: account.note, bot: true });
      const { source: _source, ...publicView } = account;
      expect((await h.call('GET', `/api/v1/accounts/${alice.id}`)).body).toEqual(publicView);

      // Only what is sent changes.
      const again = await update(h, alice, { note: 'Just a bio' });
      expect(again.body).toMatchObject({ display_name: 'Alice Liddell', note: '<p>Just a bio</p>' });
      expect(again.body.fields).toHaveLength(2);
    });

    it('takes a multipart body as Mastodon clients send it, with an avatar and a header cropped to shape', async () => {
      h = await startHarness({}, undefined, backend);
      const alice = await h.signUp('alice');
      const before = (await me(h, alice)).body;
      expect(before.avatar).toMatch(/\/avatars\/original\/missing\.png$/);
      const reply = await update(
        h,
        alice,
        form({
          display_name: 'Alice',
          'fields_attributes[0][name]': 'Pronouns',
          'fields_attributes[0][value]': 'she/her',
          'source[privacy]': 'public',
          locked: 'false',
          avatar: file(await image(1_000, 600, 'jpeg'), 'me.jpg', 'image/jpeg'),
          header: file(await image(3_000, 2_000), 'header.png', 'image/png'),
        }),
      );
      expect(reply.status, JSON.stringify(reply.body)).toBe(200);
      expect(reply.body.fields).toEqual([{ name: 'Pronouns', value: 'she/her', verified_at: null }]);
      expect(reply.body.locked).toBe(false);
      expect(reply.body.avatar_static).toBe(reply.body.avatar);
      const avatar = await fetchFile(h, reply.body.avatar);
      expect(avatar.headers['content-type']).toBe('image/jpeg');
      expect(await sharp(avatar.bytes).metadata()).toMatchObject({ width: 400, height: 400 });
      const header = await fetchFile(h, reply.body.header);
      expect(await sharp(header.bytes).metadata()).toMatchObject({
        width: 1_500,
        height: 500,
        format: 'png',
      });

      // A form body works too, and the images can go back to the defaults.
      const urlencoded = await h.app.http.inject({
        method: 'PATCH',
        url: '/api/v1/accounts/update_credentials',
        headers: {
          authorization: `Bearer ${alice.token}`,
          'content-type': 'application/x-www-form-urlencoded',
        },
        payload: 'note=From+a+form&source%5Blanguage%5D=fr',
      });
      expect(JSON.parse(urlencoded.body)).toMatchObject({
        note: '<p>From a form</p>',
        source: { language: 'fr' },
      });
      const removed = await h.call('DELETE', '/api/v1/profile/avatar', { token: alice.token });
      expect(removed.body.avatar).toMatch(/missing\.png$/);
      expect(removed.body.header).toBe(reply.body.header);
    });

    it('refuses what it cannot take with a clear 4xx, and changes nothing', async () => {
      h = await startHarness({}, undefined, backend);
      const alice = await h.signUp('alice');
      await update(h, alice, { note: 'as it was' });
      const before = (await me(h, alice)).body;
      const cases: [string, unknown, number, string][] = [
        ['a locked account', { locked: true, note: 'changed' }, 422, 'not_supported'],
        [
          'five fields',
          { fields_attributes: Array(5).fill({ name: 'n', value: 'v' }), note: 'x' },
          400,
          'validation_failed',
        ],
        ['a bio over 500 characters', { note: 'x'.repeat(501) }, 400, 'validation_failed'],
        ['a display name over 50', { display_name: 'y'.repeat(51) }, 400, 'validation_failed'],
        ['private posting', { source: { privacy: 'private' } }, 422, 'not_supported'],
        [
          'an SVG avatar',
          form({ note: 'x', avatar: file(SVG_WITH_SCRIPT, 'a.png', 'image/png') }),
          415,
          'unsupported_media_type',
        ],
        ['an avatar that is text', form({ note: 'x', avatar: 'not a file' }), 400, 'validation_failed'],
      ];
      for (const [what, body, status, code] of cases) {
        const reply = await update(h, alice, body);
        expect(reply.status, `${what}: ${JSON.stringify(reply.body)}`).toBe(status);
        expect(reply.body.code, what).toBe(code);
      }
      expect((await me(h, alice)).body).toEqual(before);
      expect(
        (await h.call('PATCH', '/api/v1/accounts/update_credentials', { body: { note: 'x' } })).status,
      ).toBe(401);
    });
  });
}

describe('a profile change across api processes', needs('postgres', 'redis', 'nats'), () => {
  it('reaches another process that showed the old profile, on the notice the workers send', async () => {
    h = await startHarness({}, undefined, backends()[1]);
    const other = await h.anotherApi();
    const [alice, bob] = [await h.signUp('alice'), await h.signUp('bob')];
    await follow(h, bob, alice);
    await post(h, alice, 'hello');
    await h.drain();
    expect((await home(other, bob)).body[0].account.display_name).toBe('alice');

    const heard = new Promise<unknown>((resolve) => {
      void other.app.notices.listen(resolve);
    });
    await update(h, alice, { display_name: 'Alice Liddell' });
    await h.drain();
    expect(await heard).toEqual({ kind: 'account', id: BigInt(alice.id) });
    expect((await home(other, bob)).body[0].account.display_name).toBe('Alice Liddell');
  });
});
