import * as TE from 'fp-ts/lib/TaskEither.js';
import { calculateJwkThumbprint, exportJWK, generateKeyPair } from 'jose';
import { storeError, type StoreError } from '../errors/store-error.js';
import type { Jwk, SigningAlg, SigningKey } from '../ports/keys.js';
import { publicPart } from './lifecycle.js';

/**
 * Generates one signing key with jose (WebCrypto underneath): RSA 2048 for RS256/PS256, P-256 for ES256, Ed25519 for
 * EdDSA. `kid` is the RFC 7638 JWK thumbprint of the public key. The new key is `next`; `rotate`/`ensureActive`
 * decide its status. Failures (an algorithm the runtime lacks) are `StoreError` values.
 */
export const generateSigningKey = (alg: SigningAlg, now: number): TE.TaskEither<StoreError, SigningKey> =>
  TE.tryCatch(
    async () => {
      const pair = await generateKeyPair(alg, { extractable: true });
      const privateJwk = (await exportJWK(pair.privateKey)) as Jwk;
      const pub = publicPart((await exportJWK(pair.publicKey)) as Jwk);
      const kid = await calculateJwkThumbprint(pub as Parameters<typeof calculateJwkThumbprint>[0]);
      return {
        kid,
        alg,
        status: 'next' as const,
        publicJwk: { ...pub, kid, alg, use: 'sig' },
        privateJwk: { ...privateJwk, kid, alg },
        createdAt: Math.floor(now),
      };
    },
    (cause) => storeError(`could not generate a ${alg} signing key`, { cause }),
  );

/** Generates one key per entry of `algs` (in order). */
export const generateSigningKeys = (algs: readonly SigningAlg[], now: number): TE.TaskEither<StoreError, readonly SigningKey[]> =>
  TE.sequenceArray(algs.map((alg) => generateSigningKey(alg, now)));
