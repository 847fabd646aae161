import * as E from 'fp-ts/lib/Either.js';
import * as TE from 'fp-ts/lib/TaskEither.js';
import { pipe } from 'fp-ts/lib/function.js';
import { storeError, type StoreError } from '../errors/store-error.js';
import type { JwkSet, KeySet, Signer, SigningAlg } from '../ports/keys.js';

/** The outcome of a key operation: the keys now published at `jwks_uri` and the active (signing) ones. */
export type KeyOperationResult =
  | { readonly _tag: 'Done'; readonly jwks: JwkSet; readonly active: readonly { readonly kid: string; readonly alg: SigningAlg }[] }
  | { readonly _tag: 'Failed'; readonly error: StoreError };

/**
 * Signing-key operations on the server's own signer (`keys/jose-signer.ts`), for a schedule or an operator:
 * `rotate` (next → active → retired, fresh next keys; retired keys stay published until the tokens they signed
 * expire) and `reload` (another process rotated the shared key store).
 */
export interface KeyRotationApi {
  readonly rotate: () => Promise<KeyOperationResult>;
  readonly reload: () => Promise<KeyOperationResult>;
}


/** A signer that can also rotate and reload its keys (the default `joseSigner`'s `Keyring`). */
type Rotatable = Signer & { readonly rotate: () => TE.TaskEither<StoreError, KeySet>; readonly reload: () => TE.TaskEither<StoreError, KeySet> };
const isRotatable = (signer: Signer): signer is Rotatable =>
  typeof (signer as Partial<Rotatable>).rotate === 'function' && typeof (signer as Partial<Rotatable>).reload === 'function';

/** Runs a key-set change, then reports the published and active keys; never rejects. */
const keyOperation = (signer: Rotatable, change: () => TE.TaskEither<StoreError, KeySet>) => async (): Promise<KeyOperationResult> => {
  try {
    const result = await pipe(
      change(),
      TE.bindTo('set'),
      TE.bind('jwks', () => signer.publicJwks()),
    )();
    return E.isLeft(result)
      ? { _tag: 'Failed', error: result.left }
      : { _tag: 'Done', jwks: result.right.jwks, active: result.right.set.keys.filter((k) => k.status === 'active').map((k) => ({ kid: k.kid, alg: k.alg })) };
  } catch (cause) {
    return { _tag: 'Failed', error: storeError('key operation failed', { cause }) };
  }
};

/**
 * `AuthorizationServer.keys`: rotation and reload of the server's own signer (the one every token, the JWKS and the
 * bearer check share), when it can rotate; `undefined` otherwise.
 */
export const keyRotationApi = (signer: Signer): KeyRotationApi | undefined =>
  isRotatable(signer) ? { rotate: keyOperation(signer, () => signer.rotate()), reload: keyOperation(signer, () => signer.reload()) } : undefined;
