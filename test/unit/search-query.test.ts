import { describe, expect, it } from 'vitest';
import { parseAccountQuery, parseTweetQuery } from '../../src/domain/search-query.js';
import { parseTweetText } from '../../src/domain/tweet-text.js';

describe('tweet search queries', () => {
  it('splits words, "phrases", #hashtags and @handles', () => {
    expect(parseTweetQuery('  hybrid  "fan out  now" #Rust @Bob ')).toEqual({
      phrases: ['hybrid', 'fan out now'],
      hashtags: ['rust'],
      mentions: ['bob'],
    });
  });

  it('normalises hashtags as stored ones are', () => {
    const stored = parseTweetText('#Ｒｕｓｔ is here').hashtags;
    expect(stored).toEqual(['rust']);
    expect(parseTweetQuery('#RUST').hashtags).toEqual(stored);
  });

  it('drops tokens with nothing to match, and refuses a query left empty', () => {
    expect(parseTweetQuery('!!! word ???').phrases).toEqual(['word']);
    for (const q of ['', '  ', '!!! ???', '""']) {
      expect(() => parseTweetQuery(q), q).toThrow(/nothing|empty|no words/);
    }
  });

  it('refuses malformed parts', () => {
    for (const q of ['"open', '#', '#!', '@', '@way_too_long_handle', '@a-b', 'a\u0000b', 'x '.repeat(13)]) {
      expect(() => parseTweetQuery(q), q).toThrow();
    }
  });
});

describe('account search queries', () => {
  it('takes a handle prefix (with or without @) and display-name words', () => {
    expect(parseAccountQuery('@Ali_')).toEqual({ handlePrefix: 'ali_', nameWords: ['ali'] });
    expect(parseAccountQuery('Rae Searcher')).toEqual({ handlePrefix: null, nameWords: ['rae', 'searcher'] });
    expect(() => parseAccountQuery(' - ')).toThrow();
  });
});
