import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import {
  appToken,
  lookup,
  me,
  PASSWORD,
  passwordGrant,
  type RegisteredApp,
  register,
  registerApp,
  revoke,
  signUpThrough,
} from '../support/apps.js';
import { allPages, follow, unfollow } from '../support/client-api.js';
import { backends, type Harness, startHarness, type User } from '../support/harness.js';

for (const backend of backends()) {
  describe(backend.name, () => {
    describe('accounts and tokens', () => {
      let h: Harness;
      let app: RegisteredApp;
      beforeEach(async () => {
        h = await startHarness({}, undefined, backend);
        app = await registerApp(h);
      });
      afterEach(() => h.close());

      it('registers through an app, answers a working token, and never leaks the password hash', async () => {
        const reply = await register(h, await appToken(h, app), {
          username: 'Alice',
          display_name: 'Alice A.',
        });
        expect(reply.status).toBe(200);
        expect(reply.body).toMatchObject({ token_type: 'Bearer', scope: 'read write follow' });
        expect(reply.body.created_at).toEqual(expect.any(Number));
        expect(Buffer.from(reply.body.access_token, 'base64url').length).toBeGreaterThanOrEqual(16);
        const account = await me(h, reply.body.access_token);
        expect(account.status).toBe(200);
        expect(account.body).toMatchObject({
          username: 'Alice',
          acct: 'Alice',
          display_name: 'Alice A.',
          followers_count: 0,
          following_count: 0,
          statuses_count: 0,
        });
        expect(account.body.id).toMatch(/^[0-9]+$/);
        expect(BigInt(account.body.id) > 1n << 60n).toBe(true);
        for (const body of [reply.body, account.body])
          expect(JSON.stringify(body)).not.toMatch(/scrypt|password/);
      });

      it('keeps handles unique ignoring case', async () => {
        await h.signUp('bob');
        const again = await register(h, await appToken(h, app), {
          username: 'BOB',
          password: 'another password',
        });
        expect(again.status).toBe(409);
        expect(again.body.code).toBe('conflict');
        expect(again.body.error).toEqual(expect.any(String));
        expect((await lookup(h, 'BoB')).body.username).toBe('bob');
      });

      it('refuses bad registrations with validation_failed and creates nothing', async () => {
        const withToken = await appToken(h, app);
        const cases: unknown[] = [
          { username: 'has space', password: PASSWORD, agreement: true },
          { username: 'x'.repeat(16), password: PASSWORD, agreement: true },
          { username: 'ok', password: 'short', agreement: true },
          { username: 'ok', password: 'p'.repeat(257), agreement: true },
          { username: 'ok', password: { value: PASSWORD }, agreement: true },
          { username: 'ok', agreement: true },
          { password: PASSWORD, agreement: true },
          { username: 'ok', password: PASSWORD },
          { username: 'ok', password: PASSWORD, agreement: false },
          { username: 'ok', password: PASSWORD, agreement: true, display_name: 'bell\u0007' },
          '{"username": "ok",',
        ];
        for (const body of cases) {
          const reply = await h.call('POST', '/api/v1/accounts', { token: withToken, body });
          expect(reply.status, JSON.stringify(body)).toBe(400);
          expect(reply.body.code).toBe('validation_failed');
        }
        expect((await lookup(h, 'ok')).status).toBe(404);
        // Parameters Mastodon does not know are ignored, as Mastodon does: they grant nothing.
        const extra = await register(h, withToken, { username: 'extra', is_admin: true, role: 'admin' });
        expect(extra.status).toBe(200);
        expect((await me(h, extra.body.access_token)).body.roles).toEqual([]);
      });

      it('registers only with an app token that may write accounts', async () => {
        const body = { username: 'nobody', password: PASSWORD, agreement: true };
        const anonymous = await h.call('POST', '/api/v1/accounts', { body });
        expect(anonymous.status).toBe(401);
        expect(anonymous.body.code).toBe('unauthorized');
        const readOnly = await register(h, await appToken(h, app, 'read'), { username: 'nobody' });
        expect(readOnly.status).toBe(403);
        expect(readOnly.body.code).toBe('forbidden');
        expect((await lookup(h, 'nobody')).status).toBe(404);
      });

      it('signs in with the right password only, with the same answer for unknown handles', async () => {
        await h.signUp('carol');
        const ok = await passwordGrant(h, app, 'CAROL');
        expect(ok.status).toBe(200);
        expect(ok.body).toMatchObject({ token_type: 'Bearer', scope: 'read write follow' });
        expect((await me(h, ok.body.access_token)).body.username).toBe('carol');
        const wrong = await passwordGrant(h, app, 'carol', 'wrong password');
        const unknown = await passwordGrant(h, app, 'nobody', 'whatever1');
        expect(wrong.status).toBe(400);
        expect(wrong.body).toMatchObject({ error: 'invalid_grant', error_description: expect.any(String) });
        expect(unknown.status).toBe(400);
        expect(unknown.body).toEqual(wrong.body);
      });

      it('revokes a token at once, and keeps the account’s other tokens working', async () => {
        const user = await signUpThrough(h, app, 'dave');
        const other = await passwordGrant(h, app, 'dave');
        // Used first, so the process has it in memory: revoking must forget it there too.
        expect((await me(h, user.token)).status).toBe(200);
        const revoked = await revoke(h, app, user.token);
        expect(revoked.status).toBe(200);
        expect(revoked.body).toEqual({});
        const after = await me(h, user.token);
        expect(after.status).toBe(401);
        expect(after.body.code).toBe('unauthorized');
        expect((await me(h, other.body.access_token)).status).toBe(200);
      });

      it('lets an app revoke only its own tokens', async () => {
        const user = await signUpThrough(h, app, 'eve');
        const stranger = await registerApp(h, { name: 'another app' });
        expect((await revoke(h, stranger, user.token)).status).toBe(200);
        expect((await me(h, user.token)).status).toBe(200);
        const wrongSecret = await revoke(h, { ...app, client_secret: 'not the secret' }, user.token);
        expect(wrongSecret.status).toBe(401);
        expect(wrongSecret.body.error).toBe('invalid_client');
        expect((await me(h, user.token)).status).toBe(200);
      });

      it('answers 401 without a token or with a bad one, even on public routes', async () => {
        expect((await me(h, '')).status).toBe(401);
        expect((await me(h, 'not-a-token')).status).toBe(401);
        expect((await me(h, 'a'.repeat(43))).status).toBe(401);
        const erin = await h.signUp('erin');
        expect((await lookup(h, 'erin', 'forged-token-of-some-length')).status).toBe(401);
        expect((await h.call('GET', `/api/v1/accounts/${erin.id}`, { token: 'x'.repeat(40) })).status).toBe(
          401,
        );
        expect((await lookup(h, 'erin')).status).toBe(200);
        // An app's own token reads as nobody: it has no account to verify.
        expect((await me(h, await appToken(h, app))).status).toBe(401);
      });

      it('answers 404 for unknown accounts and routes as JSON', async () => {
        for (const url of [
          '/api/v1/accounts/lookup?acct=ghost',
          '/api/v1/accounts/lookup?acct=ghost%40elsewhere.example',
          '/api/v1/accounts/123',
          '/api/v1/accounts/not-a-number',
          '/api/v1/nothing-here',
        ]) {
          const reply = await h.call('GET', url);
          expect(reply.status, url).toBe(404);
          expect(reply.headers['content-type'], url).toMatch(/json/);
          expect(reply.body.code, url).toBe('not_found');
          expect(reply.body.error, url).toEqual(expect.any(String));
        }
      });

      it('looks accounts up by acct, with or without the @ and this server’s domain', async () => {
        const fred = await h.signUp('fred');
        for (const acct of ['fred', '@fred', 'FRED', 'fred@localhost']) {
          const reply = await lookup(h, acct);
          expect(reply.status, acct).toBe(200);
          expect(reply.body.id).toBe(fred.id);
        }
        expect((await h.call('GET', `/api/v1/accounts/${fred.id}`)).body.username).toBe('fred');
      });
    });

    describe('follow graph', () => {
      let h: Harness;
      beforeEach(async () => {
        h = await startHarness({}, undefined, backend);
      });
      afterEach(() => h.close());

      const account = async (user: User) => (await h.call('GET', `/api/v1/accounts/${user.id}`)).body;
      const usernames = (reply: { body: { username: string }[] }) => reply.body.map((x) => x.username);

      it('follows and unfollows idempotently, with exact counters and newest-first lists', async () => {
        const [a, b, c] = [await h.signUp('a'), await h.signUp('b'), await h.signUp('c')];
        for (let i = 0; i < 3; i++) {
          const reply = await follow(h, b, a);
          expect(reply.status).toBe(200);
          expect(reply.body).toMatchObject({
            id: a.id,
            following: true,
            followed_by: false,
            requested: false,
          });
        }
        await follow(h, c, a);
        // Followed back: the relationship says so from both sides.
        expect((await follow(h, a, c)).body).toMatchObject({ id: c.id, following: true, followed_by: true });
        // Counters follow through the log.
        await h.drain();
        expect((await account(a)).followers_count).toBe(2);
        expect((await account(b)).following_count).toBe(1);
        expect(usernames(await h.call('GET', `/api/v1/accounts/${a.id}/followers`))).toEqual(['c', 'b']);
        expect(usernames(await h.call('GET', `/api/v1/accounts/${b.id}/following`))).toEqual(['a']);

        for (let i = 0; i < 2; i++) {
          const reply = await unfollow(h, b, a);
          expect(reply.status).toBe(200);
          expect(reply.body).toMatchObject({ id: a.id, following: false, followed_by: false });
        }
        await h.drain();
        expect((await account(a)).followers_count).toBe(1);
        expect((await account(b)).following_count).toBe(0);
      });

      it('keeps counters exact under concurrent follows', async () => {
        const star = await h.signUp('star');
        const fans = await Promise.all(Array.from({ length: 10 }, (_, i) => h.signUp(`fan${i}`)));
        const replies = await Promise.all(fans.flatMap((fan) => [1, 2].map(() => follow(h, fan, star))));
        expect(replies.map((r) => r.status)).toEqual(replies.map(() => 200));
        await h.drain();
        expect((await account(star)).followers_count).toBe(10);
      });

      it('refuses following yourself (400), unknown accounts (404) and callers without an account (401)', async () => {
        const self = await h.signUp('me');
        expect((await follow(h, self, self)).status).toBe(400);
        const ghost = { ...self, id: '123' };
        expect((await follow(h, self, ghost)).status).toBe(404);
        expect((await h.call('POST', `/api/v1/accounts/${self.id}/follow`)).status).toBe(401);
        expect((await unfollow(h, self, ghost)).status).toBe(404);
      });

      it('pages follower lists through the Link header, each account once, newest follow first', async () => {
        const hub = await h.signUp('hub');
        const fans: string[] = [];
        for (let i = 0; i < 7; i++) {
          const fan = await h.signUp(`p${i}`);
          await follow(h, fan, hub);
          fans.push(fan.id);
        }
        const { ids, pages } = await allPages(h, `/api/v1/accounts/${hub.id}/followers?limit=3`);
        expect(ids).toEqual(fans.reverse());
        expect(pages).toBe(3);
        const following = await allPages(h, `/api/v1/accounts/${fans[0]}/following?limit=1`);
        expect(following.ids).toEqual([hub.id]);
      });
    });
  });
}
