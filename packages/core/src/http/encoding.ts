/**
 * Byte/text helpers over the web-standard globals every JavaScript runtime has (`TextDecoder`, `TextEncoder`,
 * `atob`, `btoa`: Node, Deno, Bun, browsers, workers). The core compiles with the plain ES library, so their shapes
 * are declared here, module-local, rather than pulling in the DOM library. None of the helpers throws: malformed
 * input yields `undefined`.
 */
declare const TextDecoder: new (label: 'utf-8', options: { readonly fatal: boolean; readonly ignoreBOM: boolean }) => { decode(input: Uint8Array): string };
declare const TextEncoder: new () => { encode(input: string): Uint8Array };
declare const atob: (data: string) => string;
declare const btoa: (data: string) => string;

/** `fatal`: invalid UTF-8 throws instead of becoming U+FFFD; `ignoreBOM`: a leading U+FEFF is kept as data. */
const strictUtf8 = new TextDecoder('utf-8', { fatal: true, ignoreBOM: true });
const encoder = new TextEncoder();

/** Strict UTF-8 decoding (RFC 3629): `undefined` for an invalid sequence (overlong forms, surrogates, truncation). */
export const utf8Decode = (bytes: Uint8Array): string | undefined => {
  try {
    return strictUtf8.decode(bytes);
  } catch {
    return undefined;
  }
};

/** UTF-8 encoding of a string (lone surrogates become U+FFFD rather than throwing; WHATWG Encoding §9.2). */
export const utf8Encode = (text: string): Uint8Array => encoder.encode(text);

/** The RFC 4648 §4 alphabet with optional correct padding, nothing else (no whitespace, unlike `atob`). */
const base64Shape = /^[A-Za-z0-9+/]*={0,2}$/;

const bytesOf = (binary: string): Uint8Array => {
  const out = new Uint8Array(binary.length);
  for (let i = 0; i < binary.length; i++) out[i] = binary.charCodeAt(i);
  return out;
};

/**
 * RFC 4648 §4 base64 decoding (standard alphabet). Padding is optional but, when present, must be correct; any other
 * character (including whitespace, which `atob` would skip) makes the input invalid.
 */
export const base64Decode = (text: string): Uint8Array | undefined => {
  if (!base64Shape.test(text)) return undefined;
  const unpadded = text.endsWith('==') ? text.slice(0, -2) : text.endsWith('=') ? text.slice(0, -1) : text;
  if (unpadded.length !== text.length && text.length % 4 !== 0) return undefined;
  if (unpadded.length % 4 === 1) return undefined;
  try {
    return bytesOf(atob(unpadded));
  } catch {
    return undefined;
  }
};

/** RFC 4648 §4 base64 encoding with padding (tests and adapters building HTTP Basic credentials). */
export const base64Encode = (bytes: Uint8Array): string => {
  let binary = '';
  for (let i = 0; i < bytes.length; i += 8192) binary += String.fromCharCode(...bytes.subarray(i, i + 8192));
  return btoa(binary);
};
