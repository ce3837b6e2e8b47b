import fc from 'fast-check';
import twitterText from 'twitter-text';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { CONTROL_CHARACTERS } from '../../src/domain/tweet-text.js';
import { type Harness, startHarness, type User } from '../support/harness.js';

let h: Harness;
let alice: User;
beforeAll(async () => {
  h = await startHarness();
  alice = await h.signUp('alice');
  await h.signUp('bob');
});
afterAll(() => h.close());

const post = (body: unknown) => h.call('POST', '/api/v1/tweets', { token: alice.token, body });

describe('tweet text through the API (property tests)', () => {
  it('accepts arbitrary Unicode exactly when twitter-text calls it valid, and stores it as NFC', async () => {
    await fc.assert(
      fc.asyncProperty(
        fc.oneof(
          fc.string({ unit: 'grapheme', maxLength: 300 }),
          fc.string({ unit: 'binary', maxLength: 300 }),
          fc.string({ unit: 'grapheme-composite', minLength: 270, maxLength: 290 }),
        ),
        async (raw) => {
          const nfc = raw.normalize('NFC');
          const valid =
            raw.isWellFormed() &&
            !CONTROL_CHARACTERS.test(raw) &&
            nfc.trim().length > 0 &&
            twitterText.parseTweet(nfc).valid;
          const reply = await post({ text: raw });
          if (!valid) {
            expect(reply.status).toBe(400);
            expect(reply.body.error.code).toBe('validation_failed');
            return;
          }
          expect(reply.status).toBe(201);
          expect(reply.body.text).toBe(nfc);
          const stored = await h.call('GET', `/api/v1/tweets/${reply.body.id}`);
          expect(stored.body.text).toBe(nfc);
        },
      ),
      { numRuns: 1_000 },
    );
  });

  it('counts the NFC and NFD forms of the same text the same', async () => {
    await fc.assert(
      fc.asyncProperty(
        fc.string({ unit: 'grapheme-composite', minLength: 1, maxLength: 300 }),
        async (raw) => {
          const [nfc, nfd] = [
            await post({ text: raw.normalize('NFC') }),
            await post({ text: raw.normalize('NFD') }),
          ];
          expect(nfd.status).toBe(nfc.status);
          if (nfc.status === 201) expect(nfd.body.text).toBe(nfc.body.text);
        },
      ),
      { numRuns: 200 },
    );
  });

  it('refuses lone surrogates sent as JSON escapes with 400', async () => {
    for (const sequence of ['\\ud800', '\\udfff', 'a\\ud83d', '\\ude00b']) {
      const reply = await post(`{"text":"${sequence}"}`);
      expect(reply.status).toBe(400);
      expect(reply.body.error.code).toBe('validation_failed');
    }
  });
});

/** Every route of the API, with placeholders the fuzzer fills. */
const ROUTES: [string, string][] = [
  ['POST', '/api/v1/accounts'],
  ['POST', '/api/v1/sessions'],
  ['DELETE', '/api/v1/sessions/current'],
  ['GET', '/api/v1/accounts/me'],
  ['GET', '/api/v1/accounts/:handle'],
  ['PUT', '/api/v1/accounts/:handle/follow'],
  ['DELETE', '/api/v1/accounts/:handle/follow'],
  ['GET', '/api/v1/accounts/:handle/followers'],
  ['GET', '/api/v1/accounts/:handle/following'],
  ['GET', '/api/v1/accounts/:handle/tweets'],
  ['POST', '/api/v1/tweets'],
  ['GET', '/api/v1/tweets/:id'],
  ['DELETE', '/api/v1/tweets/:id'],
  ['POST', '/api/v1/tweets/:id/retweet'],
  ['DELETE', '/api/v1/tweets/:id/retweet'],
  ['PUT', '/api/v1/tweets/:id/like'],
  ['DELETE', '/api/v1/tweets/:id/like'],
  ['GET', '/api/v1/tweets/:id/replies'],
  ['GET', '/api/v1/timelines/home'],
  ['GET', '/api/v1/timelines/mentions'],
  ['GET', '/api/v1/search/tweets'],
  ['GET', '/api/v1/search/accounts'],
];

const segment = fc.oneof(
  fc.constantFrom('alice', 'bob', 'ALICE', '0', '1', '18446744073709551616', '-5', '%00', '%ZZ', '..', 'me'),
  fc.string({ maxLength: 30 }).map(encodeURIComponent),
  fc.bigInt({ min: 0n, max: (1n << 64n) + 5n }).map(String),
);
const json = fc.jsonValue({ maxDepth: 3 });
const body = fc.oneof(
  json,
  fc.record(
    {
      text: fc.oneof(fc.string(), json),
      handle: fc.oneof(fc.string(), json),
      password: fc.oneof(fc.string(), json),
    },
    { requiredKeys: [] },
  ),
  fc.string({ maxLength: 50 }).map((raw) => ({ raw })),
);
const query = fc.dictionary(
  fc.constantFrom('limit', 'cursor', 'since_id', 'q', 'x'),
  fc.oneof(fc.string({ maxLength: 40 }), fc.integer().map(String)),
  { maxKeys: 3 },
);

describe('no input produces a 5xx (property test)', () => {
  it('answers every fuzzed request to every route with a status below 500 and a stable error shape', async () => {
    await fc.assert(
      fc.asyncProperty(
        fc.constantFrom(...ROUTES),
        segment,
        query,
        fc.option(body, { nil: undefined }),
        fc.constantFrom<'alice' | 'none' | 'garbage'>('alice', 'none', 'garbage'),
        async ([method, pattern], value, params, payload, auth) => {
          const path = pattern.replace(/:handle|:id/, value);
          const search = new URLSearchParams(params).toString();
          const headers: Record<string, string> = auth === 'garbage' ? { authorization: 'Bearer !!' } : {};
          const reply = await h.call(method, `${path}${search ? `?${search}` : ''}`, {
            token: auth === 'alice' ? alice.token : undefined,
            headers,
            body:
              payload === undefined
                ? undefined
                : typeof payload === 'object' && payload !== null && 'raw' in payload
                  ? String(payload.raw)
                  : JSON.stringify(payload),
          });
          expect(reply.status, `${method} ${path}?${search}`).toBeLessThan(500);
          if (reply.status >= 400) expect(reply.body.error.code).toMatch(/^[a-z_]+$/);
        },
      ),
      { numRuns: 1_000 },
    );
  });
});
