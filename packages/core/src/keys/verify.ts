import * as TE from 'fp-ts/lib/TaskEither.js';
import { compactVerify, createLocalJWKSet } from 'jose';
import { utf8Decode } from '../http/encoding.js';
import { signingAlgs, type JwkSet } from '../ports/keys.js';

/** A JWS whose signature verified against the server's published keys. */
export interface VerifiedJws {
  readonly header: Readonly<Record<string, unknown>>;
  readonly payload: Readonly<Record<string, unknown>>;
}

/** Three base64url segments: the shape of a compact JWS (RFC 7515 §7.1). */
export const looksLikeJws = (value: string): boolean => /^[A-Za-z0-9_-]+\.[A-Za-z0-9_-]+\.[A-Za-z0-9_-]+$/.test(value);

const cache = new WeakMap<JwkSet, ReturnType<typeof createLocalJWKSet>>();
const keyResolver = (jwks: JwkSet): ReturnType<typeof createLocalJWKSet> => {
  const found = cache.get(jwks);
  if (found !== undefined) return found;
  const made = createLocalJWKSet(jwks as unknown as Parameters<typeof createLocalJWKSet>[0]);
  cache.set(jwks, made);
  return made;
};

/**
 * Verifies a compact JWS (RFC 7515 §5.2) against a JWK Set (by `kid`/`alg`), allowing only the algorithms Grantor
 * signs with (never `none`, never HMAC), and decodes a JSON object payload. Claims are NOT checked here: callers
 * check `iss`, `exp`, `typ` with the clock port. Any failure is `Left` with a private reason.
 */
export const verifyJws = (token: string, jwks: JwkSet): TE.TaskEither<string, VerifiedJws> =>
  TE.tryCatch(
    async () => {
      const { payload, protectedHeader } = await compactVerify(token, keyResolver(jwks), { algorithms: [...signingAlgs] });
      const text = utf8Decode(payload);
      const parsed: unknown = text === undefined ? undefined : JSON.parse(text);
      if (typeof parsed !== 'object' || parsed === null || Array.isArray(parsed)) throw new Error('payload is not a JSON object');
      return { header: protectedHeader as Readonly<Record<string, unknown>>, payload: parsed as Readonly<Record<string, unknown>> };
    },
    (cause) => (cause instanceof Error ? `${cause.name}: ${cause.message}` : 'JWS verification failed'),
  );
