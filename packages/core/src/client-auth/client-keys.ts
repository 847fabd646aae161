import * as E from 'fp-ts/lib/Either.js';
import * as TE from 'fp-ts/lib/TaskEither.js';
import { pipe } from 'fp-ts/lib/function.js';
import type { Client, PublicJwk } from '../domain/client.js';
import type { StoreError } from '../errors/store-error.js';
import { privateJwkMembers } from '../keys/lifecycle.js';
import type { JwksFetcher } from '../ports/jwks-fetcher.js';

/** Where a client's signature verification keys come from: its registered `jwks`, or its `jwks_uri` through the port. */
export type ClientKeys =
  | { readonly _tag: 'Inline'; readonly keys: readonly PublicJwk[] }
  | { readonly _tag: 'Remote'; readonly uri: string; readonly fetcher: JwksFetcher };

/** Why verifying with a client's keys failed: the keys could not be fetched, or the signature/claims were rejected. */
export type ClientKeysFailure =
  | { readonly _tag: 'FetchFailed'; readonly error: StoreError }
  | { readonly _tag: 'Rejected'; readonly cause: unknown };

/**
 * RFC 7591 §2: a client's keys are its `jwks` value or the document at its `jwks_uri` (never both). The inline set
 * wins; `jwks_uri` needs the `jwksFetcher` port. A `Left` is a detail for the log (the caller picks the error code).
 */
export const clientKeysOf = (client: Client, fetcher: JwksFetcher | undefined): E.Either<string, ClientKeys> => {
  if (client.jwks !== undefined) return E.right({ _tag: 'Inline', keys: client.jwks.keys });
  if (client.jwksUri === undefined) return E.left(`client ${client.clientId} has no registered jwks or jwks_uri`);
  return fetcher === undefined
    ? E.left(`client ${client.clientId} registers jwks_uri ${client.jwksUri} but no jwksFetcher port is configured`)
    : E.right({ _tag: 'Remote', uri: client.jwksUri, fetcher });
};

const isRecord = (u: unknown): u is Readonly<Record<string, unknown>> => typeof u === 'object' && u !== null && !Array.isArray(u);

/**
 * RFC 7517 §5 / RFC 7591 §2 (`jwks_uri` holds the client's public keys): keeps only well-formed asymmetric keys and
 * only their public members, whatever a fetched document carries (symmetric `oct` keys and `d`, `p`, ... are dropped).
 */
export const publicKeysOnly = (keys: readonly unknown[]): readonly PublicJwk[] =>
  keys.flatMap((k): PublicJwk[] => {
    if (!isRecord(k) || typeof k['kty'] !== 'string' || k['kty'] === '' || k['kty'] === 'oct') return [];
    return [Object.fromEntries(Object.entries(k).filter(([name]) => !privateJwkMembers.includes(name))) as PublicJwk];
  });

/** jose's failure when no key of the set matches the JWS header (`kid`, `alg`, `kty`): the sign of a key rollover. */
const noMatchingKey = (cause: unknown): boolean => isRecord(cause) && cause['code'] === 'ERR_JWKS_NO_MATCHING_KEY';

const fetched = (source: Extract<ClientKeys, { _tag: 'Remote' }>, refresh: boolean): TE.TaskEither<ClientKeysFailure, readonly PublicJwk[]> =>
  pipe(
    source.fetcher.fetch(source.uri, refresh ? { refresh: true } : {}),
    TE.map((set) => publicKeysOnly(Array.isArray(set.keys) ? set.keys : [])),
    TE.mapError((error): ClientKeysFailure => ({ _tag: 'FetchFailed', error })),
  );

/**
 * Runs `verify` (a jose verification over a JWK Set) with the client's keys (RFC 7523 §3 item 9: the signature is
 * checked with the client's registered keys). For keys from `jwks_uri`: when no key matches the JWS header (the
 * client rolled its keys over since the set was cached), the set is fetched once more bypassing the cache
 * (OpenID Connect Core §10.1.1) and `verify` runs again. Never throws.
 */
export const verifyWithClientKeys = <A>(source: ClientKeys, verify: (keys: readonly PublicJwk[]) => Promise<A>): TE.TaskEither<ClientKeysFailure, A> => {
  const attempt = (keys: readonly PublicJwk[]): TE.TaskEither<ClientKeysFailure, A> =>
    TE.tryCatch(
      () => verify(keys),
      (cause): ClientKeysFailure => ({ _tag: 'Rejected', cause }),
    );
  if (source._tag === 'Inline') return attempt(source.keys);
  return pipe(
    fetched(source, false),
    TE.flatMap(attempt),
    TE.orElse((failure) => (failure._tag === 'Rejected' && noMatchingKey(failure.cause) ? pipe(fetched(source, true), TE.flatMap(attempt)) : TE.left(failure))),
  );
};
