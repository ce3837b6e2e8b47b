import fc from 'fast-check';
import twitterText from 'twitter-text';
import { describe, expect, it } from 'vitest';
import { decodeCursor, encodeCursor } from '../../src/domain/cursor.js';
import { type DomainEvent, decodeEvent, encodeEvent } from '../../src/domain/events.js';
import {
  modeAfterCrossing,
  modeForFollowers,
  pulls,
  pushes,
  streamOf,
} from '../../src/domain/fanout-mode.js';
import { MAX_ID, parseId } from '../../src/domain/ids.js';
import { CONTROL_CHARACTERS, parseTweetText } from '../../src/domain/tweet-text.js';

describe('ids on the wire', () => {
  it('accepts canonical decimals up to 2^63-1 and nothing else', () => {
    expect(parseId('0')).toBe(0n);
    expect(parseId(MAX_ID.toString())).toBe(MAX_ID);
    for (const bad of ['', '-1', '1.5', '1e3', ' 1', '0x10', (MAX_ID + 1n).toString(), '9'.repeat(21)]) {
      expect(() => parseId(bad)).toThrow(expect.objectContaining({ code: 'validation_failed' }));
    }
  });
});

describe('cursors', () => {
  it('round-trip any id and reject anything this server did not issue', () => {
    fc.assert(
      fc.property(fc.bigInt({ min: 0n, max: MAX_ID }), (id) => {
        expect(decodeCursor(encodeCursor(id))).toBe(id);
      }),
    );
    const forged = Buffer.from(`v1:${MAX_ID + 1n}`).toString('base64url');
    for (const bad of ['', 'abc', '!!!', forged, Buffer.from('v2:5').toString('base64url'), 'a'.repeat(65)]) {
      expect(() => decodeCursor(bad)).toThrow(expect.objectContaining({ code: 'validation_failed' }));
    }
  });
});

describe('tweet text', () => {
  it('counts URLs as 23 and CJK as 2, up to a weighted 280', () => {
    expect(parseTweetText(`look ${'https://example.com/'.padEnd(200, 'x')}`).weightedLength).toBe(28);
    expect(parseTweetText('漢'.repeat(140)).weightedLength).toBe(280);
    expect(() => parseTweetText('漢'.repeat(141))).toThrow(/limit is 280/);
    expect(() => parseTweetText('a'.repeat(281))).toThrow(/limit is 280/);
  });

  it('normalises to NFC before counting, so NFC and NFD count the same', () => {
    const nfd = 'e\u0301'.repeat(280);
    const parsed = parseTweetText(nfd);
    expect(parsed.text).toBe('\u00e9'.repeat(280));
    expect(parsed.weightedLength).toBe(280);
  });

  it('refuses empty, blank and unpaired-surrogate text', () => {
    for (const bad of ['', '   ', '\n\t', 'a\ud800b']) {
      expect(() => parseTweetText(bad)).toThrow(expect.objectContaining({ code: 'validation_failed' }));
    }
  });

  it('extracts mentions and hashtags, lower-cased and once each', () => {
    const parsed = parseTweetText('hi @Alice and @alice, #Launch #launch #Día');
    expect(parsed.mentions).toEqual(['alice']);
    expect(parsed.hashtags).toEqual(['launch', 'día']);
  });

  it('accepts exactly the texts twitter-text calls valid (after NFC)', () => {
    fc.assert(
      fc.property(fc.string({ unit: 'grapheme', maxLength: 300 }), (raw) => {
        const text = raw.normalize('NFC');
        const valid =
          twitterText.parseTweet(text).valid && text.trim().length > 0 && !CONTROL_CHARACTERS.test(raw);
        let accepted = true;
        try {
          parseTweetText(raw);
        } catch {
          accepted = false;
        }
        expect(accepted).toBe(valid);
      }),
      { numRuns: 1_000 },
    );
  });
});

describe('events', () => {
  it('round-trip through their wire form with 64-bit ids intact', () => {
    const events: DomainEvent[] = [
      { type: 'tweet.created', tweetId: MAX_ID, authorId: 1n },
      { type: 'tweet.deleted', tweetId: 2n, authorId: 3n },
      { type: 'follow.created', followerId: 4n, followeeId: MAX_ID - 1n },
      { type: 'follow.deleted', followerId: 6n, followeeId: 7n, counted: false },
      { type: 'tweet.unliked', tweetId: 8n, accountId: 9n, counted: true },
    ];
    for (const event of events) expect(decodeEvent(encodeEvent(event))).toEqual(event);
  });

  it('read an undo written before undos said whether they were counted as counted (as they all were then)', () => {
    expect(decodeEvent('{"type":"follow.deleted","followerId":"6","followeeId":"7"}')).toEqual({
      type: 'follow.deleted',
      followerId: 6n,
      followeeId: 7n,
      counted: true,
    });
    expect(() =>
      decodeEvent('{"type":"tweet.unliked","tweetId":"1","accountId":"2","counted":"no"}'),
    ).toThrow();
  });

  it('refuse payloads that are not events', () => {
    for (const bad of ['{}', '{"type":"tweet.created","tweetId":1,"authorId":"2"}', '{"type":"x"}', 'null']) {
      expect(() => decodeEvent(bad)).toThrow();
    }
  });
});

describe('the celebrity rule', () => {
  const rule = { threshold: 10, margin: 2 };
  it('starts a crossing at the threshold going up, and only below the margin going down', () => {
    expect(modeForFollowers('push', 9, rule)).toBe('push');
    expect(modeForFollowers('push', 10, rule)).toBe('promoting');
    expect(modeForFollowers('pull', 8, rule)).toBe('pull');
    expect(modeForFollowers('pull', 7, rule)).toBe('demoting');
    // A crossing under way goes on whatever the count does; fanout finishes it.
    expect(modeForFollowers('promoting', 0, rule)).toBe('promoting');
    expect(modeForFollowers('demoting', 100, rule)).toBe('demoting');
  });

  it('lands a finished crossing at its goal, or starts the way back if the count moved past the other bound', () => {
    expect(modeAfterCrossing('promoting', 10, rule)).toBe('pull');
    expect(modeAfterCrossing('promoting', 7, rule)).toBe('demoting');
    expect(modeAfterCrossing('demoting', 5, rule)).toBe('push');
    expect(modeAfterCrossing('demoting', 12, rule)).toBe('promoting');
  });

  it('pushes and pulls a crossing author both ways, and routes only celebrities apart', () => {
    const modes = ['push', 'promoting', 'pull', 'demoting'] as const;
    expect(modes.map(pushes)).toEqual([true, true, false, true]);
    expect(modes.map(pulls)).toEqual([false, true, true, true]);
    expect(modes.map(streamOf)).toEqual(['fanout', 'fanout', 'celebrity', 'fanout']);
  });
});
