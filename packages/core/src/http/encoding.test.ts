import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { base64Decode, base64Encode, utf8Decode, utf8Encode } from './encoding.js';

const ascii = (s: string): Uint8Array => Uint8Array.from([...s].map((c) => c.charCodeAt(0)));

describe('UTF-8 (RFC 3629)', () => {
  it('round-trips every well-formed string', () => {
    fc.assert(fc.property(fc.string({ unit: 'grapheme' }), (s) => utf8Decode(utf8Encode(s)) === s));
  });

  it('refuses overlong forms, surrogates and truncated sequences', () => {
    for (const bad of [[0xc0, 0x80], [0xe0, 0x80, 0xaf], [0xed, 0xa0, 0x80], [0xe2, 0x82], [0xff], [0xf4, 0x90, 0x80, 0x80]]) {
      expect(utf8Decode(Uint8Array.from(bad))).toBeUndefined();
    }
  });

  it('keeps a leading byte-order mark as data', () => {
    expect(utf8Decode(Uint8Array.from([0xef, 0xbb, 0xbf, 0x61]))).toBe('\uFEFFa');
  });

  it('encodes a lone surrogate as U+FFFD', () => {
    expect([...utf8Encode('\uD800')]).toEqual([0xef, 0xbf, 0xbd]);
  });
});

describe('base64 (RFC 4648 §4)', () => {
  it('matches the RFC 4648 §10 test vectors', () => {
    const vectors: readonly [string, string][] = [['', ''], ['f', 'Zg=='], ['fo', 'Zm8='], ['foo', 'Zm9v'], ['foob', 'Zm9vYg=='], ['fooba', 'Zm9vYmE='], ['foobar', 'Zm9vYmFy']];
    for (const [plain, encoded] of vectors) {
      expect(base64Encode(ascii(plain))).toBe(encoded);
      expect(base64Decode(encoded)).toEqual(ascii(plain));
    }
  });

  it('round-trips any bytes, with or without padding', () => {
    fc.assert(
      fc.property(fc.uint8Array({ maxLength: 300 }), (bytes) => {
        const encoded = base64Encode(bytes);
        expect(base64Decode(encoded)).toEqual(bytes);
        expect(base64Decode(encoded.replace(/=+$/, ''))).toEqual(bytes);
      }),
    );
  });

  it('refuses whitespace, other alphabets, stray and wrong padding', () => {
    for (const bad of ['Zm9v YmFy', 'Zm9v\nYmFy', 'Zm9v-_', 'Zg=', 'Z===', 'Zm=9v', 'Z', '=', 'Zm9vY']) {
      expect(base64Decode(bad)).toBeUndefined();
    }
  });
});
