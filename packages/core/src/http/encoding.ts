/**
 * Byte/text helpers without Web or Node globals (the core compiles with the plain ES library). None of them throws:
 * malformed input yields `undefined`.
 */

const hex = (b: number): string => (b < 16 ? '%0' : '%') + b.toString(16).toUpperCase();

/**
 * Strict UTF-8 decoding (RFC 3629): `undefined` for an invalid sequence (overlong forms, surrogates, truncation).
 * Bytes are percent-encoded and handed to `decodeURIComponent`, whose UTF-8 decoder is strict and fatal.
 */
export const utf8Decode = (bytes: Uint8Array): string | undefined => {
  let ascii = true;
  for (const b of bytes) {
    if (b >= 0x80) {
      ascii = false;
      break;
    }
  }
  if (ascii) {
    let out = '';
    for (let i = 0; i < bytes.length; i += 8192) out += String.fromCharCode(...bytes.subarray(i, i + 8192));
    return out;
  }
  let encoded = '';
  for (const b of bytes) encoded += hex(b);
  try {
    return decodeURIComponent(encoded);
  } catch {
    return undefined;
  }
};

/** UTF-8 encoding of a string (lone surrogates become U+FFFD rather than throwing). */
export const utf8Encode = (text: string): Uint8Array => {
  const out: number[] = [];
  for (const ch of text) {
    let cp = ch.codePointAt(0) ?? 0xfffd;
    if (cp >= 0xd800 && cp <= 0xdfff) cp = 0xfffd;
    if (cp < 0x80) out.push(cp);
    else if (cp < 0x800) out.push(0xc0 | (cp >> 6), 0x80 | (cp & 0x3f));
    else if (cp < 0x10000) out.push(0xe0 | (cp >> 12), 0x80 | ((cp >> 6) & 0x3f), 0x80 | (cp & 0x3f));
    else out.push(0xf0 | (cp >> 18), 0x80 | ((cp >> 12) & 0x3f), 0x80 | ((cp >> 6) & 0x3f), 0x80 | (cp & 0x3f));
  }
  return Uint8Array.from(out);
};

const alphabet = 'ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789+/';
const reverse: Readonly<Record<string, number>> = Object.fromEntries([...alphabet].map((c, i) => [c, i]));

/**
 * RFC 4648 §4 base64 decoding (standard alphabet). Padding is optional but, when present, must be correct; any other
 * character (including whitespace) makes the input invalid.
 */
export const base64Decode = (text: string): Uint8Array | undefined => {
  const unpadded = text.endsWith('==') ? text.slice(0, -2) : text.endsWith('=') ? text.slice(0, -1) : text;
  if (unpadded.length !== text.length && text.length % 4 !== 0) return undefined;
  if (unpadded.length % 4 === 1) return undefined;
  const out: number[] = [];
  let buffer = 0;
  let bits = 0;
  for (const c of unpadded) {
    const v = reverse[c];
    if (v === undefined) return undefined;
    buffer = (buffer << 6) | v;
    bits += 6;
    if (bits >= 8) {
      bits -= 8;
      out.push((buffer >> bits) & 0xff);
    }
  }
  return Uint8Array.from(out);
};

/** RFC 4648 §4 base64 encoding with padding (tests and adapters building HTTP Basic credentials). */
export const base64Encode = (bytes: Uint8Array): string => {
  let out = '';
  for (let i = 0; i < bytes.length; i += 3) {
    const b0 = bytes[i] ?? 0;
    const b1 = bytes[i + 1] ?? 0;
    const b2 = bytes[i + 2] ?? 0;
    const n = (b0 << 16) | (b1 << 8) | b2;
    out += alphabet[(n >> 18) & 63]! + alphabet[(n >> 12) & 63]!;
    out += i + 1 < bytes.length ? alphabet[(n >> 6) & 63]! : '=';
    out += i + 2 < bytes.length ? alphabet[n & 63]! : '=';
  }
  return out;
};
