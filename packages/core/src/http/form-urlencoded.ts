import * as E from 'fp-ts/lib/Either.js';
import { invalidRequest, type OAuthError } from '../errors/oauth-error.js';
import type { HttpRequest } from './http-request.js';
import { utf8Decode } from './encoding.js';

/** Decoded request parameters: each name at most once, empty values dropped. */
export type FormParams = Readonly<Record<string, string>>;

/**
 * RFC 6749 Appendix A: every protocol parameter is drawn from VSCHAR (`%x20-7E`), NQCHAR, NQSCHAR or, for
 * `username` and `password`, UNICODECHARNOCRLF (`%x09 / %x20-7E / %x80-D7FF / …`). None of these sets holds a
 * control character other than horizontal tab: C0 controls (NUL included), CR, LF, DEL and the C1 range are never
 * part of a valid value. Refusing them here means no store (PostgreSQL refuses NUL in text with error 22021) and no
 * log line ever sees them.
 */
const controlCharacter = /[\u0000-\u0008\u000a-\u001f\u007f-\u009f]/;

/** True when `text` holds a character that RFC 6749 Appendix A allows in no parameter (see {@link controlCharacter}). */
export const hasControlCharacter = (text: string): boolean => controlCharacter.test(text);

/**
 * Decodes one `application/x-www-form-urlencoded` name or value (WHATWG URL §5.1: `+` is a space, then
 * percent-decoding as UTF-8). `undefined` for a malformed percent sequence, invalid UTF-8, or a control character
 * (RFC 6749 Appendix A, see {@link hasControlCharacter}).
 */
export const decodeFormComponent = (raw: string): string | undefined => {
  // Most names and values hold neither `+` nor `%`: nothing to decode (the string is already valid UTF-16 text).
  if (raw.indexOf('%') === -1 && raw.indexOf('+') === -1) return hasControlCharacter(raw) ? undefined : raw;
  try {
    const decoded = decodeURIComponent(raw.replace(/\+/g, ' '));
    return hasControlCharacter(decoded) ? undefined : decoded;
  } catch {
    return undefined;
  }
};

/**
 * Parses form-urlencoded text (a request body or a query string) into a record.
 *
 * - RFC 6749 §3.1 / §3.2: "parameters MUST NOT be included more than once" — a repeated name is `invalid_request`
 *   (even when one of the occurrences is empty).
 * - RFC 6749 §3.1: "parameters sent without a value MUST be treated as if they were omitted" — empty values are
 *   dropped.
 * - Bad percent-encoding, invalid UTF-8 or a control character (RFC 6749 Appendix A) is `invalid_request`. Never
 *   throws.
 */
export const parseFormText = (text: string): E.Either<OAuthError, FormParams> => {
  const seen = new Set<string>();
  const entries: [string, string][] = [];
  for (const part of text.split('&')) {
    if (part === '') continue;
    const eq = part.indexOf('=');
    const name = decodeFormComponent(eq === -1 ? part : part.slice(0, eq));
    const value = decodeFormComponent(eq === -1 ? '' : part.slice(eq + 1));
    if (name === undefined || value === undefined) {
      return E.left(invalidRequest('The request contains malformed form-urlencoded data or a control character.', 'bad percent-encoding, UTF-8 or a control character'));
    }
    if (name === '') continue;
    if (seen.has(name)) return E.left(invalidRequest(`The ${name} parameter is repeated.`, `repeated parameter ${name}`));
    seen.add(name);
    if (value !== '') entries.push([name, value]);
  }
  return E.right(Object.fromEntries(entries));
};

/** Parses a form body (raw bytes, see {@link parseFormText}); an absent body is an empty form. */
export const parseFormBytes = (body: Uint8Array | undefined): E.Either<OAuthError, FormParams> => {
  if (body === undefined || body.length === 0) return E.right({});
  const text = utf8Decode(body);
  return text === undefined
    ? E.left(invalidRequest('The request body is not valid UTF-8.', 'invalid UTF-8 in form body'))
    : parseFormText(text);
};

/** Parses either form bytes or a query string. */
export const parseForm = (input: Uint8Array | string | undefined): E.Either<OAuthError, FormParams> =>
  typeof input === 'string' ? parseFormText(input.startsWith('?') ? input.slice(1) : input) : parseFormBytes(input);

/** True when the `content-type` header names `application/x-www-form-urlencoded` (parameters such as charset ok). */
export const isFormContentType = (contentType: string | undefined): boolean =>
  contentType !== undefined && contentType.split(';')[0]?.trim().toLowerCase() === 'application/x-www-form-urlencoded';

/**
 * RFC 6749 §3.2 (token endpoint), RFC 7009 §2.1, RFC 7662 §2.1, RFC 8628 §3.1: requests are sent
 * "using the application/x-www-form-urlencoded format". Anything else (JSON included) is `invalid_request` (400).
 */
export const requireFormContentType = (req: HttpRequest): E.Either<OAuthError, void> =>
  isFormContentType(req.headers['content-type'])
    ? E.right(undefined)
    : E.left(invalidRequest('The request body must be application/x-www-form-urlencoded.', `content-type ${req.headers['content-type'] ?? '(none)'}`));

/** The form body of a POST request: content type checked, then parsed (RFC 6749 §3.2). */
export const readFormBody = (req: HttpRequest): E.Either<OAuthError, FormParams> =>
  E.flatMap(requireFormContentType(req), () => parseFormBytes(req.body));
