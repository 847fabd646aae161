import * as E from 'fp-ts/lib/Either.js';
import * as O from 'fp-ts/lib/Option.js';
import * as TE from 'fp-ts/lib/TaskEither.js';
import { pipe } from 'fp-ts/lib/function.js';
import { storeError, type StoreError } from '../errors/store-error.js';
import type { JwkSet, KeySet, KeyStore, Signer, SignOptions, SigningAlg, SigningKey } from '../ports/keys.js';
import type { Clock } from '../ports/runtime.js';
import { generateSigningKeys } from './generate.js';
import { activeKey, ensureActive, freshKeysNeeded, missingActive, prune, publishedJwks, rotate } from './lifecycle.js';
import { optional } from '../domain/optional.js';

export interface KeyringOptions {
  readonly store: KeyStore;
  readonly clock: Clock;
  /** Algorithms that always have an active key. Default `['RS256', 'ES256']` (RS256: the OpenID Connect default). */
  readonly algorithms?: readonly SigningAlg[];
  /**
   * The longest lifetime (seconds) of any token these keys sign, including per-client overrides: a retired key stays
   * published this long after its retirement.
   */
  readonly maxTokenLifetime: number;
}

/** A `Signer` over a key set held in memory, plus the key-set operations an operator needs. */
export interface Keyring extends Signer {
  /** The current key set (loaded, or generated and saved, on first use). */
  readonly keySet: () => TE.TaskEither<StoreError, KeySet>;
  /** Rotates (next → active → retired, fresh next keys), prunes expired retired keys and saves the set. */
  readonly rotate: () => TE.TaskEither<StoreError, KeySet>;
  /** Reloads the set from the store (another process rotated it). */
  readonly reload: () => TE.TaskEither<StoreError, KeySet>;
}

export const defaultSigningAlgorithms: readonly SigningAlg[] = ['RS256', 'ES256'];

/** The protected header a keyring signs with (RFC 7515 §4.1): `alg`, `kid`, optional `typ`. */
export interface JwsHeader {
  readonly alg: SigningAlg;
  readonly kid: string;
  readonly typ?: string;
}

/**
 * Produces an RFC 7515 §7.1 compact JWS of `payload` under `header` with the private key of `key` (whose `alg` is
 * `header.alg`). May throw or reject: the keyring turns that into a `StoreError`. Implementations cache imported keys
 * per `kid` (kids are key thumbprints, so a kid never changes its key).
 */
export type JwsSigningFunction = (key: SigningKey, header: JwsHeader, payload: Readonly<Record<string, unknown>>) => string | Promise<string>;

/**
 * Builds a signer over a `KeyStore` with the given JWS signing function (`joseSigner` uses jose/WebCrypto; a runtime
 * adapter can pass a faster native one). Lazy: the first `sign`/`publicJwks` loads the set, and when the store
 * has none (first start) or an algorithm lacks an active key, generates active keys and saves them. A failed load is
 * retried by the next call. Operations that change the set are serialised in this process; across processes, one
 * process should rotate and the others `reload` (or share a KMS-backed `Signer`).
 */
export const keyringSigner = (options: KeyringOptions, signJws: JwsSigningFunction): Keyring => {
  const algorithms = options.algorithms ?? defaultSigningAlgorithms;
  const now = () => options.clock.now();
  let current: Promise<E.Either<StoreError, KeySet>> | undefined;

  /** Generates an active key for every configured algorithm that lacks one (first start, algorithm added). */
  const complete = (set: KeySet): TE.TaskEither<StoreError, { readonly set: KeySet; readonly changed: boolean }> => {
    const missing = missingActive(set, algorithms);
    if (missing.length === 0) return TE.right({ set, changed: false });
    return pipe(
      generateSigningKeys(missing, now()),
      TE.map((fresh) => ({ set: ensureActive(set, algorithms, fresh), changed: true })),
    );
  };

  const loadFromStore: TE.TaskEither<StoreError, KeySet> = pipe(
    TE.of(undefined),
    TE.flatMap(() => options.store.load()),
    TE.flatMap((loaded) => complete(O.getOrElse((): KeySet => ({ keys: [] }))(loaded))),
    TE.tap(({ set, changed }) => (changed ? options.store.save(set) : TE.right(undefined))),
    TE.map(({ set }) => set),
  );

  /** Replaces the memoised state with the outcome of `step(previous state)`, after any change already under way. */
  const replace = (step: (previous: E.Either<StoreError, KeySet> | undefined) => TE.TaskEither<StoreError, KeySet>): TE.TaskEither<StoreError, KeySet> => () => {
    const previous = current;
    const next = (previous ?? Promise.resolve(undefined)).then((p) => step(p)());
    current = next;
    return next;
  };

  const keySet: Keyring['keySet'] = () => () => {
    if (current === undefined) return replace(() => loadFromStore)();
    return current.then((r) => (E.isLeft(r) ? replace(() => loadFromStore)() : r));
  };

  const sign: Signer['sign'] = (payload, signOptions: SignOptions = {}) => {
    const alg = signOptions.alg ?? 'RS256';
    return pipe(
      keySet(),
      TE.flatMap((set) => {
        const key = activeKey(set, alg);
        if (key === undefined) return TE.left(storeError(`no active ${alg} signing key`));
        return TE.tryCatch(
          async () => signJws(key, { alg, kid: key.kid, ...optional('typ', signOptions.typ) }, payload),
          (cause) => storeError(`signing with ${alg} key ${key.kid} failed`, { cause }),
        );
      }),
    );
  };

  /**
   * The same `JwkSet` object is returned while the published keys do not change, so verifiers can cache imported
   * keys by identity (`verifyJws` does).
   */
  let published: { readonly set: KeySet; readonly kids: string; readonly jwks: JwkSet } | undefined;
  const publicJwks = (): TE.TaskEither<StoreError, JwkSet> =>
    pipe(
      keySet(),
      TE.map((set) => {
        const live = prune(set, now(), options.maxTokenLifetime);
        const kids = live.keys.map((k) => k.kid).join(' ');
        if (published !== undefined && published.set === set && published.kids === kids) return published.jwks;
        published = { set, kids, jwks: publishedJwks(live) };
        return published.jwks;
      }),
    );

  const rotateFrom = (set: KeySet): TE.TaskEither<StoreError, KeySet> =>
    pipe(
      generateSigningKeys(freshKeysNeeded(set), now()),
      TE.flatMap((fresh) => TE.fromEither(E.mapLeft((m: string) => storeError(m))(rotate(set, now(), fresh)))),
      TE.map((rotated) => prune(rotated, now(), options.maxTokenLifetime)),
      TE.flatMap(complete),
      TE.map(({ set: rotated }) => rotated),
      TE.tap((rotated) => options.store.save(rotated)),
    );

  const rotateNow = (): TE.TaskEither<StoreError, KeySet> =>
    replace((previous) => (previous !== undefined && E.isRight(previous) ? rotateFrom(previous.right) : pipe(loadFromStore, TE.flatMap(rotateFrom))));

  return {
    sign,
    publicJwks,
    algorithms: () => algorithms,
    keySet,
    rotate: rotateNow,
    reload: () => replace(() => loadFromStore),
  };
};
