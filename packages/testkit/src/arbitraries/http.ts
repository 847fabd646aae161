/**
 * Arbitrary `HttpRequest` values for generated-input tests of endpoints and adapters: odd methods, paths, headers
 * and bodies. Every one of them must yield an RFC-shaped response, never a throw or a 500.
 */
import fc from 'fast-check';
import type { HttpRequest } from '@grantor/core';
import { bearerValueArb, clientIdArb, redirectUriArb, scopeParamArb } from './primitives.js';

const utf8 = (s: string): Uint8Array => new TextEncoder().encode(s);

/** HTTP methods: the usual ones, lower case, unknown tokens and a few that are not tokens at all. */
export const httpMethodArb: fc.Arbitrary<string> = fc.oneof(
  { weight: 6, arbitrary: fc.constantFrom('GET', 'POST') },
  { weight: 3, arbitrary: fc.constantFrom('PUT', 'PATCH', 'DELETE', 'HEAD', 'OPTIONS', 'TRACE', 'CONNECT') },
  { weight: 1, arbitrary: fc.constantFrom('get', 'Post', 'PROPFIND', 'BREW', '', ' GET', 'GET\r\n', 'POST /x') },
);

/** Paths relative to the mount point: known endpoints, near misses, traversal, encodings and junk. */
export const httpPathArb = (knownPaths: readonly string[] = ['/authorize', '/token', '/introspect', '/revoke', '/userinfo', '/jwks', '/device_authorization', '/end_session', '/.well-known/openid-configuration']): fc.Arbitrary<string> =>
  fc.oneof(
    { weight: 6, arbitrary: fc.constantFrom(...knownPaths) },
    {
      weight: 3,
      arbitrary: fc
        .tuple(fc.constantFrom(...knownPaths), fc.constantFrom('/', '//', '/..', '%2F', '%00', ';x', '.json', '/../token', ' ', '?'))
        .map(([p, s]) => p + s),
    },
    { weight: 1, arbitrary: fc.constantFrom('/', '//token', '/TOKEN', '/%74oken', '/./token', '/\u00e9', '/' + 'a'.repeat(4096)) },
    { weight: 1, arbitrary: fc.webPath().map((p) => (p.startsWith('/') ? p : '/' + p)) },
  );

const paramNames = [
  'grant_type', 'code', 'redirect_uri', 'client_id', 'client_secret', 'code_verifier', 'refresh_token', 'scope', 'token',
  'token_type_hint', 'response_type', 'state', 'nonce', 'code_challenge', 'code_challenge_method', 'device_code',
  'client_assertion', 'client_assertion_type', 'prompt', 'max_age', 'resource', 'audience', 'request', 'response_mode',
] as const;

const paramValueArb: fc.Arbitrary<string> = fc.oneof(
  fc.constantFrom('authorization_code', 'refresh_token', 'client_credentials', 'urn:ietf:params:oauth:grant-type:device_code', 'code', 'S256', 'plain', ''),
  bearerValueArb,
  clientIdArb,
  redirectUriArb,
  scopeParamArb,
  fc.string({ maxLength: 50 }),
  fc.string({ unit: 'grapheme', maxLength: 20 }),
);

/** Percent-encodes like `application/x-www-form-urlencoded`, or leaves the value raw (malformed on purpose). */
const encodeArb = (value: string): fc.Arbitrary<string> =>
  fc.constantFrom(encodeURIComponent(value).replace(/%20/g, '+'), encodeURIComponent(value), value);

/**
 * A form or query string: OAuth parameter names (sometimes repeated, RFC 6749 §3.1 says that is an error), unknown
 * names, empty values, bad percent-escapes.
 */
export const formStringArb: fc.Arbitrary<string> = fc.oneof(
  {
    weight: 8,
    arbitrary: fc
      .array(fc.tuple(fc.oneof(fc.constantFrom(...paramNames), fc.string({ maxLength: 12 })), paramValueArb), { maxLength: 8 })
      .chain((pairs) => (pairs.length === 0 ? fc.constant('') : fc.tuple(...pairs.map(([k, v]) => encodeArb(v).map((ev) => `${encodeURIComponent(k)}=${ev}`))).map((ps) => ps.join('&')))),
  },
  { weight: 2, arbitrary: fc.constantFrom('', '&', '=', '&&=&', 'a', 'code=%zz', 'code=%', 'grant_type=%E0%A4%A', 'a=1;b=2', '%00=%00') },
  { weight: 1, arbitrary: fc.string({ maxLength: 200 }) },
);

/** Bodies: forms, JSON, raw bytes, invalid UTF-8, nothing. */
export const httpBodyArb: fc.Arbitrary<Uint8Array | undefined> = fc.oneof(
  { weight: 6, arbitrary: formStringArb.map(utf8) },
  { weight: 1, arbitrary: fc.constant(undefined) },
  { weight: 1, arbitrary: fc.jsonValue({ maxDepth: 2 }).map((v) => utf8(JSON.stringify(v) ?? 'null')) },
  { weight: 1, arbitrary: fc.uint8Array({ maxLength: 256 }) },
  { weight: 1, arbitrary: fc.constantFrom(new Uint8Array([0xff, 0xfe, 0x00]), new Uint8Array([0xc3, 0x28]), new Uint8Array(0)) },
);

const basicCredentialsArb: fc.Arbitrary<string> = fc
  .tuple(fc.string({ maxLength: 30 }), fc.string({ maxLength: 30 }), fc.boolean())
  .map(([id, secret, encodeParts]) => {
    const raw = encodeParts ? `${encodeURIComponent(id)}:${encodeURIComponent(secret)}` : `${id}:${secret}`;
    return `Basic ${Buffer.from(raw, 'utf8').toString('base64')}`;
  });

const authorizationArb: fc.Arbitrary<string> = fc.oneof(
  basicCredentialsArb,
  bearerValueArb.map((t) => `Bearer ${t}`),
  fc.constantFrom('Basic', 'Basic ', 'Basic !!!', 'Basic Og==', 'basic Zm9vOmJhcg==', 'Bearer', 'Bearer  a', 'DPoP abc', 'Negotiate x', ''),
  fc.string({ maxLength: 80 }),
);

const contentTypeArb: fc.Arbitrary<string> = fc.constantFrom(
  'application/x-www-form-urlencoded',
  'application/x-www-form-urlencoded; charset=UTF-8',
  'APPLICATION/X-WWW-FORM-URLENCODED',
  'application/x-www-form-urlencoded; charset=latin1',
  'application/json',
  'multipart/form-data; boundary=x',
  'text/plain',
  '',
  ';;;',
);

/** Header records (names lower case, as `HttpRequest` promises), with the headers endpoints read made likely. */
export const httpHeadersArb: fc.Arbitrary<Readonly<Record<string, string | undefined>>> = fc
  .record(
    {
      'content-type': contentTypeArb,
      authorization: authorizationArb,
      accept: fc.constantFrom('application/json', 'text/html', '*/*', ''),
      'content-length': fc.oneof(fc.nat(10_000).map(String), fc.constantFrom('-1', 'abc', '')),
      origin: fc.webUrl(),
      dpop: fc.string({ maxLength: 40 }),
      cookie: fc.string({ maxLength: 40 }),
    },
    { requiredKeys: [] },
  )
  .chain((known) =>
    fc
      .dictionary(fc.string({ unit: fc.constantFrom(...'abcdefghijklmnopqrstuvwxyz-'.split('')), minLength: 1, maxLength: 16 }), fc.oneof(fc.string({ maxLength: 40 }), fc.constant(undefined)), {
        maxKeys: 3,
      })
      .map((extra): Readonly<Record<string, string | undefined>> => ({ ...extra, ...known })),
  );

/** Arbitrary `HttpRequest` values; pass the server's paths to aim most requests at real routes. */
export const httpRequestArb = (options: { readonly paths?: readonly string[] } = {}): fc.Arbitrary<HttpRequest> =>
  fc
    .record({
      method: httpMethodArb,
      path: httpPathArb(options.paths),
      query: formStringArb,
      headers: httpHeadersArb,
      body: httpBodyArb,
      remoteAddress: fc.option(fc.oneof(fc.ipV4(), fc.ipV6()), { nil: undefined }),
    })
    .map(({ remoteAddress, ...r }): HttpRequest => (remoteAddress === undefined ? r : { ...r, remoteAddress }));
