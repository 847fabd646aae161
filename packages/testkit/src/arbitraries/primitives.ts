/** Small building blocks shared by the record, client, lifecycle and HTTP arbitraries. */
import fc from 'fast-check';
import type { PkceChallenge } from '@grantor/core/extend';

const b64url = (bytes: Uint8Array): string => Buffer.from(bytes).toString('base64url');

/** A base64url SHA-256-sized value (43 characters), the shape of every `*Hash` field and of opaque tokens. */
export const hashArb: fc.Arbitrary<string> = fc.uint8Array({ minLength: 32, maxLength: 32 }).map(b64url);

/** An opaque bearer value as `Random.token(32)` produces it. */
export const bearerValueArb: fc.Arbitrary<string> = fc.uint8Array({ minLength: 32, maxLength: 32 }).map(b64url);

/** Epoch seconds between 2017 and 2036 (integers, as stores keep them). */
export const epochSecondsArb: fc.Arbitrary<number> = fc.integer({ min: 1_500_000_000, max: 2_100_000_000 });

/** A lifetime in seconds, from one second to thirty days. */
export const lifetimeArb: fc.Arbitrary<number> = fc.integer({ min: 1, max: 30 * 24 * 3600 });

const identifierChars = fc.constantFrom(...'abcdefghijklmnopqrstuvwxyzABCDEFGHIJKLMNOPQRSTUVWXYZ0123456789-._~'.split(''));

/** A client identifier: mostly URL-safe, sometimes a UUID, sometimes with spaces or non-ASCII (clients pick them). */
export const clientIdArb: fc.Arbitrary<string> = fc.oneof(
  { weight: 6, arbitrary: fc.string({ unit: identifierChars, minLength: 1, maxLength: 40 }) },
  { weight: 2, arbitrary: fc.uuid() },
  { weight: 1, arbitrary: fc.string({ unit: 'grapheme', minLength: 1, maxLength: 20 }) },
);

/** An end-user subject identifier (OIDC Core §2 `sub`: locally unique, at most 255 ASCII characters). */
export const subjectArb: fc.Arbitrary<string> = fc.oneof(
  fc.string({ unit: identifierChars, minLength: 1, maxLength: 64 }),
  fc.uuid(),
  fc.emailAddress(),
);

/** A grant (refresh family) identifier as the core mints it. */
export const grantIdArb: fc.Arbitrary<string> = fc.uint8Array({ minLength: 16, maxLength: 16 }).map(b64url);

/** One RFC 6749 §3.3 scope token: %x21 / %x23-5B / %x5D-7E. */
export const scopeTokenArb: fc.Arbitrary<string> = fc.oneof(
  { weight: 3, arbitrary: fc.constantFrom('openid', 'profile', 'email', 'address', 'phone', 'offline_access', 'read', 'write', 'admin') },
  {
    weight: 2,
    arbitrary: fc.string({
      unit: fc.integer({ min: 0x21, max: 0x7e }).filter((c) => c !== 0x22 && c !== 0x5c).map((c) => String.fromCharCode(c)),
      minLength: 1,
      maxLength: 16,
    }),
  },
);

/** A scope: distinct scope tokens, possibly empty. */
export const scopeArb = (options: { readonly minLength?: number; readonly maxLength?: number } = {}): fc.Arbitrary<readonly string[]> =>
  fc.uniqueArray(scopeTokenArb, { minLength: options.minLength ?? 0, maxLength: options.maxLength ?? 6 });

/** A raw `scope` request parameter: well-formed, empty, or malformed (double spaces, quotes, backslashes, controls). */
export const scopeParamArb: fc.Arbitrary<string> = fc.oneof(
  scopeArb().map((s) => s.join(' ')),
  fc.constantFrom('', ' ', 'openid  profile', ' openid', 'openid ', 'a"b', 'a\\b', 'é', 'read\twrite', 'x\u0000y'),
  fc.string(),
);

/** A PKCE challenge (RFC 7636 §4.2): 43 base64url characters for S256, 43–128 unreserved characters for plain. */
export const pkceArb: fc.Arbitrary<PkceChallenge> = fc.oneof(
  { weight: 4, arbitrary: hashArb.map((challenge) => ({ challenge, method: 'S256' as const })) },
  {
    weight: 1,
    arbitrary: fc.string({ unit: identifierChars, minLength: 43, maxLength: 128 }).map((challenge) => ({ challenge, method: 'plain' as const })),
  },
);

/** An `https` redirect URI, sometimes with a query, sometimes a loopback or private-use scheme (RFC 8252 §7). */
export const redirectUriArb: fc.Arbitrary<string> = fc.oneof(
  { weight: 5, arbitrary: fc.webUrl({ validSchemes: ['https'], withQueryParameters: true }) },
  { weight: 1, arbitrary: fc.integer({ min: 1024, max: 65535 }).map((port) => `http://127.0.0.1:${port}/callback`) },
  { weight: 1, arbitrary: fc.constantFrom('com.example.app:/oauth2redirect', 'net.grantor.demo:/cb') },
);

/** Optional fields: an arbitrary of `T` or `undefined`, used with `withoutUndefined`. */
export const maybe = <T>(arb: fc.Arbitrary<T>): fc.Arbitrary<T | undefined> => fc.option(arb, { nil: undefined, freq: 2 });

/**
 * Drops the `undefined` members of a record so it satisfies `exactOptionalPropertyTypes` (an optional member is
 * absent, never `undefined`).
 */
export const withoutUndefined = <T extends object>(value: { readonly [K in keyof T]: T[K] | undefined }): T =>
  Object.fromEntries(Object.entries(value).filter(([, v]) => v !== undefined)) as T;
