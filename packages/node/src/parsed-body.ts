import type { IncomingMessage } from 'node:http';
import { defaultBodyLimit, readRawBody, type RawBodyResult } from './request.js';

/** True when something (a body parser registered before Grantor) already read the request stream. */
export const streamConsumed = (req: IncomingMessage): boolean =>
  req.readableEnded || (req as { _body?: unknown })._body === true || (req.complete && !req.readable);

const appendValue = (out: URLSearchParams, key: string, value: unknown): void => {
  if (value === undefined || value === null) return;
  if (Array.isArray(value)) {
    for (const v of value) appendValue(out, key, v);
    return;
  }
  if (typeof value === 'object') {
    for (const [k, v] of Object.entries(value as Record<string, unknown>)) appendValue(out, `${key}[${k}]`, v);
    return;
  }
  out.append(key, String(value));
};

/**
 * Re-encodes a body parsed by `urlencoded()` (flat or `qs`-style): a repeated parameter (parsed as an array) is
 * repeated again, so the core still refuses it (RFC 6749 §3.1); nested objects come back in bracket notation.
 */
export const encodeForm = (parsed: Readonly<Record<string, unknown>>): string => {
  const out = new URLSearchParams();
  for (const [key, value] of Object.entries(parsed)) appendValue(out, key, value);
  return out.toString();
};

const utf8 = (s: string): Uint8Array => new Uint8Array(Buffer.from(s, 'utf8'));

/**
 * The documented fallback when the host's body parser consumed the stream before Grantor: rebuild the body bytes from
 * the parsed value. Buffers (`raw()`) and strings (`text()`) are exact; `urlencoded()` objects are re-encoded
 * (equivalent for every OAuth parameter, but bytes that were not valid UTF-8 are already lost); `json()` values are
 * re-serialised. Mount Grantor before body parsers to avoid all of this.
 */
export const reconstructBody = (contentType: string | undefined, parsed: unknown): Uint8Array | undefined => {
  if (parsed === undefined || parsed === null) return undefined;
  if (parsed instanceof Uint8Array) return parsed.byteLength === 0 ? undefined : new Uint8Array(parsed);
  if (typeof parsed === 'string') return parsed === '' ? undefined : utf8(parsed);
  const type = (contentType ?? '').split(';')[0]?.trim().toLowerCase() ?? '';
  if (typeof parsed === 'object' && type === 'application/x-www-form-urlencoded') {
    const text = encodeForm(parsed as Record<string, unknown>);
    return text === '' ? undefined : utf8(text);
  }
  try {
    const text = JSON.stringify(parsed);
    return text === undefined ? undefined : utf8(text);
  } catch {
    return undefined;
  }
};

/**
 * The raw body of a request in a framework: read from the stream (bounded), or — when a body parser registered
 * earlier already consumed it — rebuilt from what it parsed (`parsed()`), with the same limit. Never rejects.
 */
export const readOrReconstructBody = async (req: IncomingMessage, parsed: () => unknown, limitBytes: number = defaultBodyLimit): Promise<RawBodyResult> => {
  if (!streamConsumed(req)) return readRawBody(req, limitBytes);
  const contentType = req.headers['content-type'];
  const body = reconstructBody(contentType, parsed());
  return body !== undefined && body.byteLength > limitBytes ? { _tag: 'TooLarge', limit: limitBytes } : { _tag: 'Body', body };
};
