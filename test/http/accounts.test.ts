import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { backends, type Harness, startHarness } from '../support/harness.js';

for (const backend of backends()) {
  describe(backend.name, () => {
    describe('accounts and sessions', () => {
      let h: Harness;
      beforeEach(async () => {
        h = await startHarness({}, undefined, backend);
      });
      afterEach(() => h.close());

      it('signs up, returns the account and a working token, and never leaks the password hash', async () => {
        const reply = await h.call('POST', '/api/v1/accounts', {
          body: { handle: 'Alice', password: 'correct horse battery', display_name: 'Alice A.' },
        });
        expect(reply.status).toBe(201);
        expect(reply.body.account).toMatchObject({
          handle: 'Alice',
          display_name: 'Alice A.',
          followers_count: 0,
          following_count: 0,
          tweets_count: 0,
        });
        expect(reply.body.account.id).toMatch(/^[0-9]+$/);
        expect(BigInt(reply.body.account.id) > 1n << 60n).toBe(true);
        expect(Buffer.from(reply.body.token, 'base64url').length).toBeGreaterThanOrEqual(16);
        expect(JSON.stringify(reply.body)).not.toMatch(/scrypt|password/);
        const me = await h.call('GET', '/api/v1/accounts/me', { token: reply.body.token });
        expect(me.status).toBe(200);
        expect(me.body.handle).toBe('Alice');
      });

      it('keeps handles unique ignoring case', async () => {
        await h.signUp('bob');
        const again = await h.call('POST', '/api/v1/accounts', {
          body: { handle: 'BOB', password: 'another password' },
        });
        expect(again.status).toBe(409);
        expect(again.body.error.code).toBe('conflict');
        expect((await h.call('GET', '/api/v1/accounts/BoB')).body.handle).toBe('bob');
      });

      it('refuses bad sign-ups with validation_failed and creates nothing', async () => {
        const cases: unknown[] = [
          { handle: 'has space', password: 'long enough' },
          { handle: 'x'.repeat(16), password: 'long enough' },
          { handle: 'ok', password: 'short' },
          { handle: 'ok', password: 'p'.repeat(257) },
          { handle: 'ok', password: 'long enough', is_admin: true },
          { handle: 'ok', password: 12345678 },
          { handle: 'ok' },
          '{"handle": "ok",',
        ];
        for (const body of cases) {
          const reply = await h.call('POST', '/api/v1/accounts', { body });
          expect(reply.status, JSON.stringify(body)).toBe(400);
          expect(reply.body.error.code).toBe('validation_failed');
        }
        expect((await h.call('GET', '/api/v1/accounts/ok')).status).toBe(404);
      });

      it('logs in with the right password only, with the same answer for unknown handles', async () => {
        await h.signUp('carol');
        const ok = await h.call('POST', '/api/v1/sessions', {
          body: { handle: 'CAROL', password: 'correct horse battery' },
        });
        expect(ok.status).toBe(200);
        expect(ok.body.account.handle).toBe('carol');
        const wrong = await h.call('POST', '/api/v1/sessions', {
          body: { handle: 'carol', password: 'wrong password' },
        });
        const unknown = await h.call('POST', '/api/v1/sessions', {
          body: { handle: 'nobody', password: 'whatever1' },
        });
        expect(wrong.status).toBe(401);
        expect(unknown.status).toBe(401);
        expect(unknown.body).toEqual(wrong.body);
      });

      it('revokes a token on logout, at once, and keeps other sessions working', async () => {
        const user = await h.signUp('dave');
        const other = await h.call('POST', '/api/v1/sessions', {
          body: { handle: 'dave', password: 'correct horse battery' },
        });
        // Used first, so the process has it in memory: logging out must forget it there too.
        expect((await h.call('GET', '/api/v1/accounts/me', { token: user.token })).status).toBe(200);
        expect((await h.call('DELETE', '/api/v1/sessions/current', { token: user.token })).status).toBe(204);
        const after = await h.call('GET', '/api/v1/accounts/me', { token: user.token });
        expect(after.status).toBe(401);
        expect(after.body.error.code).toBe('unauthorized');
        expect((await h.call('GET', '/api/v1/accounts/me', { token: other.body.token })).status).toBe(200);
      });

      it('answers 401 without a token or with a bad one, even on public routes', async () => {
        expect((await h.call('GET', '/api/v1/accounts/me')).status).toBe(401);
        expect((await h.call('GET', '/api/v1/accounts/me', { token: 'not-a-token' })).status).toBe(401);
        await h.signUp('erin');
        expect((await h.call('GET', '/api/v1/accounts/erin', { token: 'forged' })).status).toBe(401);
        expect((await h.call('GET', '/api/v1/accounts/erin')).status).toBe(200);
      });

      it('answers 404 for unknown accounts and routes as JSON', async () => {
        const missing = await h.call('GET', '/api/v1/accounts/ghost');
        expect(missing.status).toBe(404);
        expect(missing.body.error.code).toBe('not_found');
        const route = await h.call('GET', '/api/v1/nothing-here');
        expect(route.status).toBe(404);
        expect(route.body.error.code).toBe('not_found');
      });
    });

    describe('follow graph', () => {
      let h: Harness;
      beforeEach(async () => {
        h = await startHarness({}, undefined, backend);
      });
      afterEach(() => h.close());

      it('follows and unfollows idempotently, with exact counters and newest-first lists', async () => {
        const [a, b, c] = [await h.signUp('a'), await h.signUp('b'), await h.signUp('c')];
        for (let i = 0; i < 3; i++) {
          const reply = await h.call('PUT', '/api/v1/accounts/a/follow', { token: b.token });
          expect(reply.status).toBe(200);
          expect(reply.body).toEqual({ following: true });
        }
        await h.call('PUT', '/api/v1/accounts/a/follow', { token: c.token });
        // Counters follow through the log.
        await h.drain();
        const account = (await h.call('GET', '/api/v1/accounts/a')).body;
        expect(account.followers_count).toBe(2);
        expect((await h.call('GET', '/api/v1/accounts/b')).body.following_count).toBe(1);
        const followers = await h.call('GET', '/api/v1/accounts/a/followers');
        expect(followers.body.accounts.map((x: { handle: string }) => x.handle)).toEqual(['c', 'b']);
        const following = await h.call('GET', '/api/v1/accounts/b/following');
        expect(following.body.accounts.map((x: { handle: string }) => x.handle)).toEqual(['a']);

        for (let i = 0; i < 2; i++) {
          const reply = await h.call('DELETE', '/api/v1/accounts/a/follow', { token: b.token });
          expect(reply.body).toEqual({ following: false });
        }
        await h.drain();
        expect((await h.call('GET', '/api/v1/accounts/a')).body.followers_count).toBe(1);
        expect(a.handle).toBe('a');
      });

      it('keeps counters exact under concurrent follows', async () => {
        await h.signUp('star');
        const fans = await Promise.all(Array.from({ length: 10 }, (_, i) => h.signUp(`fan${i}`)));
        const replies = await Promise.all(
          fans.flatMap((fan) =>
            [1, 2].map(() => h.call('PUT', '/api/v1/accounts/star/follow', { token: fan.token })),
          ),
        );
        expect(replies.map((r) => r.status)).toEqual(replies.map(() => 200));
        await h.drain();
        expect((await h.call('GET', '/api/v1/accounts/star')).body.followers_count).toBe(10);
      });

      it('refuses following yourself (400), unknown accounts (404) and anonymous callers (401)', async () => {
        const me = await h.signUp('me');
        expect((await h.call('PUT', '/api/v1/accounts/ME/follow', { token: me.token })).status).toBe(400);
        expect((await h.call('PUT', '/api/v1/accounts/ghost/follow', { token: me.token })).status).toBe(404);
        expect((await h.call('PUT', '/api/v1/accounts/me/follow')).status).toBe(401);
      });

      it('pages follower lists with a cursor, each account once', async () => {
        await h.signUp('hub');
        const fans = [];
        for (let i = 0; i < 7; i++) {
          const fan = await h.signUp(`p${i}`);
          await h.call('PUT', '/api/v1/accounts/hub/follow', { token: fan.token });
          fans.push(fan.handle);
        }
        const seen: string[] = [];
        let url: string | null = '/api/v1/accounts/hub/followers?limit=3';
        while (url) {
          const page: { body: { accounts: { handle: string }[]; next_cursor: string | null } } = await h.call(
            'GET',
            url,
          );
          expect(page.body.accounts.length).toBeLessThanOrEqual(3);
          seen.push(...page.body.accounts.map((x) => x.handle));
          url = page.body.next_cursor
            ? `/api/v1/accounts/hub/followers?limit=3&cursor=${page.body.next_cursor}`
            : null;
        }
        expect(seen).toEqual(fans.reverse());
      });
    });
  });
}
