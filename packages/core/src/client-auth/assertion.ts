import * as E from 'fp-ts/lib/Either.js';
import * as TE from 'fp-ts/lib/TaskEither.js';
import { pipe } from 'fp-ts/lib/function.js';
import { createLocalJWKSet, decodeJwt, jwtVerify, type JWK, type JWTPayload } from 'jose';
import type { Client, PublicJwk } from '../domain/client.js';
import type { OAuthError } from '../errors/oauth-error.js';
import { fromStoreError } from '../errors/store-error.js';
import { utf8Encode } from '../http/encoding.js';
import type { JwksFetcher } from '../ports/jwks-fetcher.js';
import type { ReplayCache } from '../ports/stores.js';
import type { ServerConfig } from '../config/server-config.js';
import { verifyWithClientKeys, type ClientKeysFailure } from './client-keys.js';
import { invalidClient } from './credentials.js';

/** Asymmetric algorithms accepted for `private_key_jwt` (RFC 7518 §3.1; `none` and HMAC never). */
export const privateKeyJwtAlgorithms: readonly string[] = ['ES256', 'ES384', 'ES512', 'RS256', 'RS384', 'RS512', 'PS256', 'PS384', 'PS512', 'EdDSA', 'Ed25519'];
/** HMAC algorithms accepted for `client_secret_jwt` (RFC 7518 §3.2). */
export const clientSecretJwtAlgorithms: readonly string[] = ['HS256', 'HS384', 'HS512'];

/**
 * The unverified `iss`/`sub` of an assertion: which client it claims to come from (RFC 7523 §3: both are the
 * client_id). Only used to find the client whose keys then verify the assertion. Never throws.
 */
export const assertionClientId = (assertion: string): E.Either<OAuthError, string> => {
  let payload: JWTPayload;
  try {
    payload = decodeJwt(assertion);
  } catch (cause) {
    return E.left(invalidClient('The client assertion is malformed.', `undecodable client assertion: ${String(cause)}`));
  }
  const { iss, sub } = payload;
  if (typeof iss !== 'string' || iss === '' || iss !== sub) {
    return E.left(invalidClient('The client assertion must have iss and sub equal to the client_id.', 'iss/sub mismatch'));
  }
  return E.right(iss);
};

/** The key material an assertion is verified with: an inline JWK Set, the client's `jwks_uri`, or the shared secret. */
export type AssertionKey =
  | { readonly _tag: 'Jwks'; readonly keys: readonly Readonly<Record<string, unknown>>[] }
  | { readonly _tag: 'Remote'; readonly uri: string; readonly fetcher: JwksFetcher }
  | { readonly _tag: 'Secret'; readonly secret: string };

/**
 * A failure to verify with the client's keys as `invalid_client` (RFC 6749 §5.2); a transient `jwks_uri` fetch fault
 * (timeout, network, 5xx) is `temporarily_unavailable`, since the client may simply retry.
 */
const keysFailure = (failure: ClientKeysFailure): OAuthError =>
  failure._tag === 'Rejected'
    ? invalidClient('The client assertion is invalid.', `client assertion rejected: ${String(failure.cause)}`)
    : failure.error.transient
      ? fromStoreError({ ...failure.error, detail: `jwks_uri fetch failed: ${failure.error.detail}` })
      : invalidClient('Client authentication failed.', `jwks_uri fetch failed: ${failure.error.detail}`);

export interface AssertionCheck {
  readonly config: ServerConfig;
  readonly replay: ReplayCache;
  readonly now: number;
  /** Accepted `aud` values (the issuer identifier: see `authenticateClient`). */
  readonly audiences: readonly string[];
}

/**
 * RFC 7523 §3 / OpenID Connect Core §9: verifies a client assertion for `client`:
 * signature with the registered keys (JWKS matched by `kid`/`alg` — inline `jwks`, or `jwks_uri` through the
 * `jwksFetcher` port, refetched once on an unknown `kid` — or the shared secret), `iss` = `sub` = client_id,
 * `aud` containing an accepted audience, `iat` (when present) not in the future, `exp` required and not more than
 * `config.assertions.maxLifetimeSeconds` ahead, `jti` required and single use (remembered in the `ReplayCache` under
 * `client_id:jti` until `exp`). Clock skew tolerance is `config.assertions.clockSkewSeconds`. Every failure is
 * `invalid_client`; a replay-cache fault becomes `server_error`/`temporarily_unavailable`.
 */
export const verifyClientAssertion = (client: Client, assertion: string, key: AssertionKey, check: AssertionCheck): TE.TaskEither<OAuthError, void> => {
  const { config, now } = check;
  const options = {
    issuer: client.clientId,
    subject: client.clientId,
    audience: [...check.audiences],
    currentDate: new Date(Math.floor(now) * 1000),
    clockTolerance: config.assertions.clockSkewSeconds,
    requiredClaims: ['exp', 'jti'],
  };
  const verified: TE.TaskEither<OAuthError, { readonly payload: JWTPayload }> =
    key._tag === 'Secret'
      ? TE.tryCatch(
          () => jwtVerify(assertion, utf8Encode(key.secret), { ...options, algorithms: [...clientSecretJwtAlgorithms] }),
          (cause) => keysFailure({ _tag: 'Rejected', cause }),
        )
      : pipe(
          verifyWithClientKeys(key._tag === 'Jwks' ? { _tag: 'Inline', keys: key.keys as readonly PublicJwk[] } : key, (keys) =>
            jwtVerify(assertion, createLocalJWKSet({ keys: keys as unknown as JWK[] }), { ...options, algorithms: [...privateKeyJwtAlgorithms] }),
          ),
          TE.mapError(keysFailure),
        );
  return pipe(
    verified,
    TE.flatMap(({ payload }) => {
      const exp = payload.exp as number;
      const jti = payload.jti;
      if (typeof payload.iat === 'number' && payload.iat > now + config.assertions.clockSkewSeconds) {
        return TE.left(invalidClient('The client assertion was issued in the future.', `assertion iat ${payload.iat} after now ${now}`));
      }
      if (exp - now > config.assertions.maxLifetimeSeconds + config.assertions.clockSkewSeconds) {
        return TE.left(invalidClient('The client assertion lives too long.', `assertion exp ${exp} beyond max lifetime`));
      }
      if (typeof jti !== 'string' || jti === '') return TE.left(invalidClient('The client assertion has no jti.', 'missing jti'));
      return pipe(
        check.replay.remember(`${client.clientId}:${jti}`, exp + config.assertions.clockSkewSeconds),
        TE.mapError(fromStoreError),
        TE.flatMap((fresh) => (fresh ? TE.right(undefined) : TE.left(invalidClient('The client assertion has already been used.', `jti replay ${jti}`)))),
      );
    }),
  );
};
