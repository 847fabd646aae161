import * as O from 'fp-ts/lib/Option.js';
import * as TE from 'fp-ts/lib/TaskEither.js';
import { pipe } from 'fp-ts/lib/function.js';
import { optional } from '../domain/optional.js';
import { invalidRequest, type OAuthError } from '../errors/oauth-error.js';
import { fromStoreError, storeError } from '../errors/store-error.js';
import { publicPart } from '../keys/lifecycle.js';
import type { Jwk, KeySet, KeyStore, SigningAlg } from '../ports/keys.js';
import type { Clock } from '../ports/runtime.js';
import { notFound } from './client-registry.js';
import type { KeyRotationApi } from './key-rotation.js';

export interface SigningKeyAdminPorts {
  readonly keys: KeyStore;
  readonly clock: Clock;
  /** The server's signer operations (`AuthorizationServer.keys`): rotation, and a reload after a change here. */
  readonly rotation?: KeyRotationApi;
}

/** A signing key without its private part. */
export interface SigningKeyInfo {
  readonly kid: string;
  readonly alg: SigningAlg;
  readonly status: 'next' | 'active' | 'retired';
  readonly createdAt: number;
  readonly retiredAt?: number;
  readonly publicJwk: Jwk;
}

export interface RetireOptions {
  /**
   * Also stop publishing the key at once (a compromised key): tokens it signed no longer verify. Default: it stays
   * published until every token it signed has expired.
   */
  readonly unpublish?: boolean;
}

const load = (keys: KeyStore): TE.TaskEither<OAuthError, KeySet> =>
  pipe(keys.load(), TE.mapError(fromStoreError), TE.map(O.getOrElse((): KeySet => ({ keys: [] }))));

const reload = (ports: SigningKeyAdminPorts): TE.TaskEither<OAuthError, void> =>
  ports.rotation === undefined
    ? TE.right(undefined)
    : pipe(
        TE.tryCatch(() => ports.rotation?.reload() ?? Promise.resolve(undefined), (cause) => fromStoreError(storeError('key reload failed', { cause }))),
        TE.flatMap((r) => (r === undefined || r._tag === 'Done' ? TE.right(undefined) : TE.left(fromStoreError(r.error)))),
      );

/** The stored signing keys (RFC 7517 public members only), in store order. */
const listKeys = (ports: SigningKeyAdminPorts): TE.TaskEither<OAuthError, readonly SigningKeyInfo[]> =>
  pipe(
    load(ports.keys),
    TE.map((set) =>
      set.keys.map((k) => ({
        kid: k.kid,
        alg: k.alg,
        status: k.status,
        createdAt: k.createdAt,
        ...optional('retiredAt', k.retiredAt),
        publicJwk: { ...publicPart(k.publicJwk), kid: k.kid, alg: k.alg, use: 'sig' },
      })),
    ),
  );

/**
 * Retires one key now (it signs nothing more; an active key is replaced by a fresh one at the signer's reload) or,
 * with `unpublish`, removes it from the JWKS (RFC 7517 §5) at once.
 */
const retireKey =
  (ports: SigningKeyAdminPorts) =>
  (kid: string, options: RetireOptions = {}): TE.TaskEither<OAuthError, void> =>
    pipe(
      load(ports.keys),
      TE.filterOrElse((set) => set.keys.some((k) => k.kid === kid), () => notFound('key', kid)),
      TE.filterOrElse(
        (set) => options.unpublish === true || set.keys.some((k) => k.kid === kid && k.status !== 'retired'),
        () => invalidRequest('This key is already retired.'),
      ),
      TE.map((set): KeySet => {
        const at = Math.floor(ports.clock.now());
        return {
          keys: options.unpublish === true ? set.keys.filter((k) => k.kid !== kid) : set.keys.map((k) => (k.kid === kid ? { ...k, status: 'retired' as const, retiredAt: at } : k)),
        };
      }),
      TE.flatMap((set) => pipe(ports.keys.save(set), TE.mapError(fromStoreError))),
      TE.flatMap(() => reload(ports)),
    );

export const signingKeyAdmin = (ports: SigningKeyAdminPorts) => ({
  list: () => listKeys(ports),
  retire: retireKey(ports),
});
