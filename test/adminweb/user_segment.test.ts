import { expect } from 'chai';
import fc from 'fast-check';
import { keyOfSegment, userSegment } from '../../src/adminweb/user_segment.js';
import { MAX_KEY_LENGTH } from '../../src/identity/user_key.js';
import { foldName } from '../../src/identity/user_names.js';
import { classify, routeTable } from '../../src/proxy/guard.js';

// How /admin names a user in a path (src/adminweb/user_segment.ts): any key gives a segment the
// front door lets through and reads the same every way, and the segment reads back to that key
// and no other. The router hands a handler the segment percent-decoded once (decodeURIComponent),
// as `routed` does here.

const table = routeTable({ guardedPaths: ['/cgi/login'], loginTarget: '/cgi/login', loginPage: '/vpn/index.html', ownPaths: ['/admin'] });
const routed = (segment: string) => decodeURIComponent(segment);
const readBack = (key: string) => keyOfSegment(routed(userSegment(key)));
/** A key factorgate can make: folded (src/identity/user_names.ts), without control characters, not too long. */
const isKey = (s: string) => s.length > 0 && s.length <= MAX_KEY_LENGTH && foldName(s) === s && !/\p{Cc}/u.test(s);

/** Characters that break paths, mixed with letters: separators, escapes, dots, marks, compatibility forms. */
const tricky = fc.string({
  unit: fc.constantFrom('a', 'b', 'Z', '0', '/', '%', '\\', ' ', '?', '#', ';', '.', '~', '@', '+', '\'', '-', '_', '&', '=', ':', '"', '<', '\u0000', '\u007f',
    'é', 'ß', 'İ', 'ı', '\u0301', '\u0345', '⒈', '½', '／', '．', '＼', '％', 'ｂ', '‥', '℀', 'ǅ', 'ﬁ', 'K', '\u00a0', '\u3000', '\ufeff', '😀', '中'),
  minLength: 1, maxLength: 24,
});
const anyString = fc.string({ unit: 'binary', minLength: 1, maxLength: 24 });
const keys = fc.oneof(tricky, anyString, fc.string({ unit: 'grapheme', minLength: 1, maxLength: 12 }));
/** Keys as factorgate makes them: folded, like every key; the rare string folding leaves unusable is skipped. */
const madeKeys = keys.map(foldName).filter(isKey);

describe('/admin\'s user segment (src/adminweb/user_segment.ts)', () => {
  it('writes plain keys as they are, and every other character as ~XX per UTF-8 byte', () => {
    const cases: Array<[string, string]> = [
      ['alice', 'alice'],
      ['alice@eu.example', 'alice@eu.example'],
      ['o\'brien+test_1-2', 'o\'brien+test_1-2'],
      ['corp/alice', 'corp~2Falice'],
      ['50%off', '50~25off'],
      ['domain\\bob', 'domain~5Cbob'],
      ['jean paul', 'jean~20paul'],
      ['q?x', 'q~3Fx'],
      ['h#1', 'h~231'],
      ['a;b', 'a~3Bb'],
      ['~x', '~7Ex'],
      ['zoë', 'zo%C3%AB'],
      ['中文', '%E4%B8%AD%E6%96%87'],
      ['.hidden', '~2Ehidden'],
      ['..', '~2E.'],
      ['a.', 'a.'],
      ['\u0301.', '~CC~81.'],
      ['⒈', '~E2~92~88'],
      ['😀', '~F0~9F~98~80'],
    ];
    for (const [key, segment] of cases) {
      expect(userSegment(key), key).to.equal(segment);
      // "⒈" is written safely all the same, but names no key: NFKC folds it to "1.".
      expect(readBack(key), key).to.equal(key === '⒈' ? undefined : key);
    }
  });

  it('gives every key, however odd, a path the front door serves itself and does not refuse', () => {
    fc.assert(fc.property(keys, (key) => {
      for (const path of [`/admin/users/${userSegment(key)}`, `/admin/users/${userSegment(key)}/confirm/browser-revoke/${'0'.repeat(32)}`]) {
        expect(classify(path, table).route, `${JSON.stringify(key)}: ${path}`).to.equal('own');
      }
    }), { numRuns: 5000 });
  });

  it('reads each key\'s segment back to exactly that key', () => {
    fc.assert(fc.property(madeKeys, (key) => {
      expect(readBack(key), JSON.stringify(key)).to.equal(key);
    }), { numRuns: 5000 });
  });

  it('reads a segment only as the one spelling of its key: no two segments name the same key', () => {
    // Whatever a request carries, a key read from it writes back to that very segment.
    fc.assert(fc.property(fc.oneof(keys, keys.map(userSegment), keys.map((k) => userSegment(k).toLowerCase()), keys.map((k) => userSegment(k).replaceAll('~', '%'))), (segment) => {
      const key = keyOfSegment(segment);
      if (key !== undefined) expect(routed(userSegment(key)), JSON.stringify(segment)).to.equal(segment);
    }), { numRuns: 5000 });
  });

  it('keeps keys that differ only by an escape apart: a/b, a%2fb, a~2fb and a', () => {
    const names = ['a/b', 'a%2fb', 'a~2fb', 'a', 'ab', 'a b', 'a\\b'];
    expect(new Set(names.map(userSegment)).size).to.equal(names.length);
    for (const name of names) expect(readBack(name)).to.equal(name);
  });

  it('names no key with a tampered or garbled segment', () => {
    const garbled = [
      'corp~2falice', // lower-case hex: not the one spelling
      'corp%2Falice', // "%" where "~" belongs (a double-encoded path)
      'corp/alice', // a raw "/", as an /admin listener of its own would hand over "%2F" decoded
      '~61lice', // a plain letter escaped
      'a~2', 'a~', '~', '~ZZ', // cut or not hex
      '~C3', '~C0~AF', '~ED~A0~80', '~FF', // no UTF-8: cut, overlong "/", a surrogate, no such byte
      '~0A', '~00', // control characters
      'Bob', 'ALICE', // not folded: factorgate never makes such a key
      '~EF~BC~A2', // a full-width letter: NFKC folds it, so no key holds it
      '.hidden', '..', '.', // a leading dot stands as itself in no spelling
      '\u0301a', // a mark first
      'a b', 'a?b', // characters that are always escaped
      '',
      'a'.repeat(MAX_KEY_LENGTH + 1),
    ];
    for (const segment of garbled) expect(keyOfSegment(segment), JSON.stringify(segment)).to.equal(undefined);
    expect(keyOfSegment('a'.repeat(MAX_KEY_LENGTH))).to.equal('a'.repeat(MAX_KEY_LENGTH));
  });
});
