import * as TE from 'fp-ts/lib/TaskEither.js';
import { base64url } from 'jose';
import { storeError, type StoreError } from '../errors/store-error.js';
import { utf8Encode } from '../http/encoding.js';
import type { SigningAlg } from '../ports/keys.js';

/** The part of WebCrypto the core uses; a global in Node ≥ 20, browsers, Deno, Bun and workers. */
interface SubtleDigest {
  readonly digest: (algorithm: string, data: Uint8Array) => Promise<ArrayBuffer>;
}

const subtle = (): SubtleDigest | undefined => (globalThis as { readonly crypto?: { readonly subtle?: SubtleDigest } }).crypto?.subtle;

/** The hash an OpenID Connect `*_hash` claim uses for a JWS algorithm: SHA-256 for RS256/PS256/ES256, SHA-512 for EdDSA (Ed25519). */
const digestFor = (alg: SigningAlg): string => (alg === 'EdDSA' ? 'SHA-512' : 'SHA-256');

/**
 * OpenID Connect Core §3.1.3.6 `at_hash` (and §3.3.2.11 `c_hash`): hash the ASCII octets of the token with the hash
 * of the ID token's `alg`, take the left-most half, base64url-encode it.
 */
export const leftHalfHash = (value: string, alg: SigningAlg): TE.TaskEither<StoreError, string> =>
  TE.tryCatch(
    async () => {
      const s = subtle();
      if (s === undefined) throw new Error('WebCrypto (globalThis.crypto.subtle) is not available');
      const digest = new Uint8Array(await s.digest(digestFor(alg), utf8Encode(value)));
      return base64url.encode(digest.subarray(0, digest.length / 2));
    },
    (cause) => storeError('could not hash the access token for at_hash', { cause }),
  );
