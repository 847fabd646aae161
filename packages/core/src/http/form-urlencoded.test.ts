import { describe, expect, it } from 'vitest';
import fc from 'fast-check';
import * as E from 'fp-ts/lib/Either.js';
import { httpRequest } from './http-request.js';
import { parseForm, parseFormBytes, parseFormText, readFormBody, requireFormContentType } from './form-urlencoded.js';
import { base64Decode, base64Encode, utf8Decode, utf8Encode } from './encoding.js';

const ascii = (s: string) => Uint8Array.from([...s].map((c) => c.charCodeAt(0)));
const errorCode = (r: E.Either<{ code: string }, unknown>) => (E.isLeft(r) ? r.left.code : 'ok');

describe('parseFormText (RFC 6749 §3.1)', () => {
  it('decodes names and values, + as space, percent escapes as UTF-8', () => {
    expect(parseFormText('grant_type=authorization_code&redirect_uri=https%3A%2F%2Fa.test%2Fcb&x=a+b%C3%A9')).toEqual(
      E.right({ grant_type: 'authorization_code', redirect_uri: 'https://a.test/cb', x: 'a bé' }),
    );
  });

  it('treats empty values as omitted', () => {
    expect(parseFormText('a=&b&c=1&&')).toEqual(E.right({ c: '1' }));
  });

  it('refuses a repeated parameter with invalid_request, even when one occurrence is empty', () => {
    expect(errorCode(parseFormText('scope=a&scope=b'))).toBe('invalid_request');
    expect(errorCode(parseFormText('scope=&scope=b'))).toBe('invalid_request');
  });

  it('refuses bad percent-encoding and invalid UTF-8 escapes', () => {
    expect(errorCode(parseFormText('a=%'))).toBe('invalid_request');
    expect(errorCode(parseFormText('a=%zz'))).toBe('invalid_request');
    expect(errorCode(parseFormText('a=%C3'))).toBe('invalid_request');
    expect(errorCode(parseFormText('a=%ED%A0%80'))).toBe('invalid_request');
  });

  it('refuses control characters in names and values (RFC 6749 Appendix A), NUL included, encoded or raw', () => {
    for (const bad of ['client_id=a%00b', 'state=%00', 'nonce=x%0Ay', 'a%00=1', 'scope=read%0Dwrite', 'code=%7F', 'code=%C2%85', 'state=a\u0000b', 'x=%1F']) {
      expect(errorCode(parseFormText(bad)), bad).toBe('invalid_request');
    }
    expect(errorCode(parseFormBytes(Uint8Array.from([0x61, 0x3d, 0x00])))).toBe('invalid_request');
  });

  it('keeps horizontal tab and non-control Unicode (UNICODECHARNOCRLF allows both in username and password)', () => {
    expect(parseFormText('password=a%09b%C3%A9%F0%9F%98%80')).toEqual(E.right({ password: 'a\tbé😀' }));
  });

  it('keeps __proto__ and friends as plain own data', () => {
    const r = parseFormText('__proto__=x&constructor=y');
    expect(E.isRight(r) && Object.keys(r.right)).toEqual(['__proto__', 'constructor']);
    expect(E.isRight(r) && Object.getPrototypeOf(r.right)).toBe(Object.prototype);
  });

  it('accepts a query string with or without the leading ?', () => {
    expect(parseForm('?a=1')).toEqual(E.right({ a: '1' }));
    expect(parseForm('a=1')).toEqual(E.right({ a: '1' }));
  });

  it('round-trips any record of non-empty names and values (property)', () => {
    const text = fc.string({ unit: 'grapheme', minLength: 1, maxLength: 12 });
    fc.assert(
      fc.property(fc.dictionary(text, text, { maxKeys: 8 }), (record) => {
        const encoded = Object.entries(record)
          .map(([k, v]) => `${encodeURIComponent(k)}=${encodeURIComponent(v)}`)
          .join('&');
        expect(parseFormText(encoded)).toEqual(E.right(record));
        expect(parseFormBytes(utf8Encode(encoded))).toEqual(E.right(record));
      }),
    );
  });
});

describe('parseFormBytes', () => {
  it('refuses raw invalid UTF-8 bytes', () => {
    expect(errorCode(parseFormBytes(Uint8Array.from([0x61, 0x3d, 0xff])))).toBe('invalid_request');
  });

  it('decodes raw UTF-8 bytes', () => {
    expect(parseFormBytes(utf8Encode('n=ü€😀'))).toEqual(E.right({ n: 'ü€😀' }));
  });

  it('never throws, whatever the bytes (property)', () => {
    fc.assert(
      fc.property(fc.uint8Array({ maxLength: 64 }), (bytes) => {
        const r = parseFormBytes(bytes);
        expect(E.isRight(r) || r.left.code === 'invalid_request').toBe(true);
      }),
    );
    fc.assert(
      fc.property(fc.array(fc.constantFrom(...'ab=&%+2FCc9éx'.split('')), { maxLength: 30 }), (chars) => {
        const r = parseFormText(chars.join(''));
        expect(E.isRight(r) || r.left.code === 'invalid_request').toBe(true);
      }),
    );
  });
});

describe('requireFormContentType / readFormBody (RFC 6749 §3.2)', () => {
  const post = (contentType: string | undefined, body: string) =>
    httpRequest({ method: 'POST', path: '/token', headers: contentType === undefined ? {} : { 'content-type': contentType }, body: ascii(body) });

  it('accepts the form media type with parameters, in any case', () => {
    expect(E.isRight(requireFormContentType(post('Application/X-WWW-Form-Urlencoded; charset=UTF-8', '')))).toBe(true);
    expect(readFormBody(post('application/x-www-form-urlencoded', 'a=1'))).toEqual(E.right({ a: '1' }));
  });

  it('refuses JSON and missing content types with invalid_request', () => {
    expect(errorCode(readFormBody(post('application/json', '{"grant_type":"client_credentials"}')))).toBe('invalid_request');
    expect(errorCode(readFormBody(post(undefined, 'a=1')))).toBe('invalid_request');
  });
});

describe('encoding helpers', () => {
  it('base64 round-trips any bytes and rejects junk (property)', () => {
    fc.assert(fc.property(fc.uint8Array({ maxLength: 40 }), (b) => {
      expect(base64Decode(base64Encode(b))).toEqual(b);
    }));
    expect(base64Decode('a b=')).toBeUndefined();
    expect(base64Decode('abcde')).toBeUndefined();
    expect(base64Decode('YQ=')).toBeUndefined();
    expect(base64Decode('YQ')).toEqual(Uint8Array.from([0x61]));
  });

  it('utf8 round-trips any well-formed string and refuses overlong forms (property)', () => {
    fc.assert(fc.property(fc.string({ unit: 'grapheme', maxLength: 20 }), (s) => {
      expect(utf8Decode(utf8Encode(s))).toBe(s);
    }));
    expect(utf8Decode(Uint8Array.from([0xc0, 0xaf]))).toBeUndefined();
  });
});
