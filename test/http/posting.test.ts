import { afterEach, describe, expect, it } from 'vitest';
import { backends, type Harness, startHarness, type User } from '../support/harness.js';
import { type CountingSql, countingSql } from '../support/sql-statements.js';

for (const backend of backends()) {
  describe(`posting (${backend.name})`, () => {
    let h: Harness;
    let sql: CountingSql;
    afterEach(() => h.close());

    const start = async (overrides = {}) => {
      h = await startHarness(overrides, undefined, backend, {
        wrapSql: (inner) => {
          sql = countingSql(inner);
          return sql;
        },
      });
    };
    const post = (user: User, text: string, replyTo?: string) =>
      h.call('POST', '/api/v1/statuses', {
        token: user.token,
        body: replyTo === undefined ? { status: text } : { status: text, in_reply_to_id: replyTo },
      });

    it('is one statement, answered with what it wrote: the same tweet a read returns', async () => {
      await start();
      const [alice] = [await h.signUp('alice'), await h.signUp('bob')];
      const first = await post(alice, 'warming up');
      expect(first.status).toBe(200);
      sql.reset();
      const posted = await post(alice, 'hello @bob and @nobody #Tag #tag #b');
      expect(posted.status).toBe(200);
      // No question about the author's fanout mode, no read-back: the insert, its links and its event, in one.
      expect(sql.statements).toHaveLength(1);
      const read = await h.call('GET', `/api/v1/statuses/${posted.body.id}`, { token: alice.token });
      expect(posted.body).toEqual(read.body);
      expect(posted.body.mentions.map((m: { acct: string }) => m.acct)).toEqual(['bob']);
      const reply = await post(alice, 'a reply', posted.body.id);
      expect(reply.status).toBe(200);
      expect(reply.body.in_reply_to_id).toBe(posted.body.id);
      expect(reply.body.in_reply_to_account_id).toBe(alice.id);
    });

    it('routes a celebrity’s tweet to the celebrity stream in the same statement', async () => {
      await start({ celebrityThreshold: 1 });
      const [star, fan] = [await h.signUp('star'), await h.signUp('fan')];
      await h.call('POST', `/api/v1/accounts/${star.id}/follow`, { token: fan.token });
      await h.drain();
      sql.reset();
      expect((await post(star, 'to the many')).status).toBe(200);
      const streams = await h.app.sql.query<{ stream: string }>('SELECT stream FROM outbox');
      expect(streams.map((s) => s.stream)).toEqual(['celebrity']);
    });

    it('writes nothing for a reply to a tweet that is gone (404)', async () => {
      await start();
      const alice = await h.signUp('alice');
      const gone = (await post(alice, 'soon gone')).body.id;
      await h.call('DELETE', `/api/v1/statuses/${gone}`, { token: alice.token });
      expect((await post(alice, 'too late', gone)).status).toBe(404);
      expect((await post(alice, 'never there', '12345')).status).toBe(404);
      const rows = await h.app.sql.query<{ n: string }>(
        "SELECT count(*)::text AS n FROM tweets WHERE text IN ('too late', 'never there')",
      );
      expect(rows[0]?.n).toBe('0');
    });
  });
}
