import * as TE from 'fp-ts/lib/TaskEither.js';
import { pipe } from 'fp-ts/lib/function.js';
import { createLocalJWKSet, jwtVerify, type JWK, type JWTPayload } from 'jose';
import { privateKeyJwtAlgorithms } from '../../client-auth/assertion.js';
import * as E from 'fp-ts/lib/Either.js';
import { clientKeysOf, verifyWithClientKeys, type ClientKeysFailure } from '../../client-auth/client-keys.js';
import type { Client, PublicJwk } from '../../domain/client.js';
import { invalidGrant, type OAuthError } from '../../errors/oauth-error.js';
import { fromStoreError } from '../../errors/store-error.js';
import type { JwksFetcher } from '../../ports/jwks-fetcher.js';
import type { ReplayCache } from '../../ports/stores.js';
import type { ServerConfig } from '../../config/server-config.js';

/** What checking an authorization grant assertion reads. */
export interface GrantAssertionCheck {
  readonly config: ServerConfig;
  readonly replay: ReplayCache;
  /** Epoch seconds of the request. */
  readonly now: number;
  /** Fetches the keys of clients registered with `jwks_uri` (absent: such clients' assertions are refused). */
  readonly jwksFetcher?: JwksFetcher;
}

/** A verified RFC 7523 authorization grant: who the token is for, and the single-use identifier it consumed. */
export interface VerifiedGrantAssertion {
  readonly subject: string;
  readonly jti: string;
  readonly expiresAt: number;
}

/**
 * The replay-cache key of an assertion `jti`. Deliberately the same namespace as client assertions
 * (`client-auth/assertion.ts`: `client_id:jti`): RFC 7519 §4.1.7 makes a `jti` unique per issuer, so one JWT is
 * accepted at most once whether it is presented as `client_assertion` or as `assertion` — a used client assertion
 * (`iss` = `sub` = client, `aud` = token endpoint) can never be replayed as a grant for the client itself.
 */
const assertionReplayKey = (clientId: string, jti: string): string => `${clientId}:${jti}`;

/** The accepted `aud` values (RFC 7523 §3 item 3): the issuer identifier or the token endpoint URL. */
const grantAssertionAudiences = (config: ServerConfig): readonly string[] => [config.issuer, `${config.baseUrl}${config.routes.token}`];

const rejected = (description: string, detail: string): OAuthError => invalidGrant(description, detail);

/** A jose failure as a public description (RFC 7523 §3.1: every assertion failure is `invalid_grant`). */
const describeJoseFailure = (cause: unknown): OAuthError => {
  const { code, claim, reason } = (typeof cause === 'object' && cause !== null ? cause : {}) as { code?: unknown; claim?: unknown; reason?: unknown };
  const detail = `grant assertion rejected: ${String(cause)}`;
  if (code === 'ERR_JWT_EXPIRED') return rejected('The assertion has expired.', detail);
  if (code === 'ERR_JWT_CLAIM_VALIDATION_FAILED' && reason === 'missing') return rejected(`The assertion must carry the ${String(claim)} claim.`, detail);
  if (code === 'ERR_JWT_CLAIM_VALIDATION_FAILED' && claim === 'aud') return rejected('The assertion is not addressed to this authorization server (aud).', detail);
  if (code === 'ERR_JWT_CLAIM_VALIDATION_FAILED' && claim === 'iss') return rejected('The assertion must be issued by the client (iss = client_id).', detail);
  if (code === 'ERR_JWT_CLAIM_VALIDATION_FAILED' && claim === 'nbf') return rejected('The assertion is not yet valid (nbf).', detail);
  if (code === 'ERR_JWT_CLAIM_VALIDATION_FAILED') return rejected(`The assertion's ${String(claim)} claim is invalid.`, detail);
  if (code === 'ERR_JOSE_ALG_NOT_ALLOWED') return rejected('The assertion is signed with an algorithm that is not accepted.', detail);
  if (code === 'ERR_JWS_SIGNATURE_VERIFICATION_FAILED' || code === 'ERR_JWKS_NO_MATCHING_KEY' || code === 'ERR_JWKS_MULTIPLE_MATCHING_KEYS') {
    return rejected("The assertion's signature does not verify with the client's registered keys.", detail);
  }
  return rejected('The assertion is malformed.', detail);
};

/**
 * RFC 7523 §3.1: a rejected assertion is `invalid_grant`, and so is a `jwks_uri` that answers garbage; a transient
 * fetch fault (timeout, network, 5xx) is `temporarily_unavailable`, the request may simply be retried.
 */
const keysFailure = (failure: ClientKeysFailure): OAuthError =>
  failure._tag === 'Rejected'
    ? describeJoseFailure(failure.cause)
    : failure.error.transient
      ? fromStoreError({ ...failure.error, detail: `jwks_uri fetch failed: ${failure.error.detail}` })
      : rejected("The client's keys could not be obtained from its jwks_uri.", `jwks_uri fetch failed: ${failure.error.detail}`);

const nonEmpty = (u: unknown): u is string => typeof u === 'string' && u !== '';

/**
 * RFC 7523 §3 claim rules jose does not check for us: `sub` present (§3 item 2.A), `exp` not further ahead than
 * `config.assertions.maxLifetimeSeconds` (§3 item 4 lets the server bound it), `iat` not in the future (§3 item 6),
 * `jti` present (§3 item 7; Grantor requires it to enforce single use). Skew tolerance applies.
 */
const checkClaims = (payload: JWTPayload, check: GrantAssertionCheck): TE.TaskEither<OAuthError, VerifiedGrantAssertion> => {
  const { maxLifetimeSeconds, clockSkewSeconds } = check.config.assertions;
  const { sub, exp, iat, jti } = payload;
  if (!nonEmpty(sub)) return TE.left(rejected('The assertion must carry the sub claim (the subject of the token).', 'missing sub'));
  if (typeof exp !== 'number') return TE.left(rejected('The assertion must carry the exp claim.', 'missing exp'));
  if (exp - check.now > maxLifetimeSeconds + clockSkewSeconds) {
    return TE.left(rejected(`The assertion expires too far in the future (at most ${maxLifetimeSeconds} seconds).`, `exp ${exp} beyond max lifetime`));
  }
  if (iat !== undefined && iat > check.now + clockSkewSeconds) return TE.left(rejected('The assertion was issued in the future (iat).', `iat ${iat}`));
  if (!nonEmpty(jti)) return TE.left(rejected('The assertion must carry the jti claim.', 'missing jti'));
  return TE.right({ subject: sub, jti, expiresAt: exp });
};

/**
 * RFC 7523 §3 / §3.1: verifies an authorization grant assertion presented by `client`:
 * - signature with the client's registered `jwks`, or the set at its `jwks_uri` through the `jwksFetcher` port
 *   (refetched once, bypassing the cache, when no key matches the header: key rollover); asymmetric algorithms only,
 *   matched by `kid`/`alg`;
 * - `iss` = the client's `client_id` (no third-party issuers);
 * - `aud` contains the issuer or the token endpoint URL;
 * - `exp` required, not past and at most `config.assertions.maxLifetimeSeconds` ahead; `nbf` and `iat` respected;
 *   `config.assertions.clockSkewSeconds` of tolerance everywhere;
 * - `sub` = the subject the token is for;
 * - `jti` required and single use: remembered atomically in the `ReplayCache` until `exp` + skew under
 *   {@link assertionReplayKey}.
 * Every failure is `invalid_grant` with a description saying which rule failed; a replay-cache fault is
 * `server_error`/`temporarily_unavailable`. Never throws.
 */
export const verifyGrantAssertion = (client: Client, assertion: string, check: GrantAssertionCheck): TE.TaskEither<OAuthError, VerifiedGrantAssertion> => {
  const { config, now } = check;
  const source = clientKeysOf(client, check.jwksFetcher);
  if (E.isLeft(source) || (source.right._tag === 'Inline' && source.right.keys.length === 0)) {
    return TE.left(rejected('The client has no registered keys to verify the assertion with.', E.isLeft(source) ? source.left : `client ${client.clientId} has an empty jwks`));
  }
  const verify = (keys: readonly PublicJwk[]) =>
    jwtVerify(assertion, createLocalJWKSet({ keys: keys as unknown as JWK[] }), {
      issuer: client.clientId,
      audience: [...grantAssertionAudiences(config)],
      currentDate: new Date(Math.floor(now) * 1000),
      clockTolerance: config.assertions.clockSkewSeconds,
      requiredClaims: ['exp'],
      algorithms: [...privateKeyJwtAlgorithms],
    });
  return pipe(
    verifyWithClientKeys(source.right, verify),
    TE.mapError(keysFailure),
    TE.flatMap(({ payload }) => checkClaims(payload, check)),
    TE.tap((verified) =>
      pipe(
        check.replay.remember(assertionReplayKey(client.clientId, verified.jti), verified.expiresAt + config.assertions.clockSkewSeconds),
        TE.mapError(fromStoreError),
        TE.flatMap((fresh) => (fresh ? TE.right(undefined) : TE.left(rejected('The assertion has already been used.', `jti replay ${verified.jti}`)))),
      ),
    ),
  );
};
