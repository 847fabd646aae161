import { createLocalJWKSet, errors, jwtVerify, type JSONWebKeySet, type JWTPayload } from 'jose';
import type { Clock, JwksFetcher, StoreError } from '@grantor/core';
import { looksLikeJws, parseScope, type AccessTokenRecord } from '@grantor/core/extend';

/**
 * The RFC 9068 side of `remoteVerifier`: JWT access tokens checked with the authorization server's published keys
 * only (no request to it per token; the key set is fetched and cached by `httpJwksFetcher`).
 */

/** Options of the JWKS mode of `remoteVerifier`. */
export interface JwtAccessTokenOptions {
  /** The authorization server's `jwks_uri` (RFC 8414 §2). */
  readonly jwksUri: string;
  /** Accepted signature algorithms. Default `['ES256', 'RS256', 'PS256', 'EdDSA']` (never `none` or `HS*`). */
  readonly algorithms?: readonly string[];
  /** Clock skew tolerated on `exp`/`nbf`/`iat`, in seconds. Default 30. */
  readonly clockToleranceSeconds?: number;
}

type Found = { readonly _tag: 'Left'; readonly left: StoreError } | { readonly _tag: 'Right'; readonly right: AccessTokenRecord | null };

/** RFC 9068 §2.2 claims this module reads; the others (`cnf`, `auth_time`, `acr`, hook claims…) stay in `extra`. */
const registeredClaims = new Set(['iss', 'exp', 'aud', 'sub', 'client_id', 'iat', 'jti', 'scope', 'nbf']);

/**
 * RFC 9068 §2.2: the claims of a verified JWT access token as an access-token record — `client_id`, `jti` and `iat`
 * are required (§2.2), `scope` a space-separated list (§2.2.3); `null` when one is missing or malformed.
 */
const recordOfClaims = (payload: JWTPayload): AccessTokenRecord | null => {
  const { client_id: clientId, jti, iat, exp, sub, scope } = payload;
  if (typeof clientId !== 'string' || typeof jti !== 'string' || typeof iat !== 'number' || typeof exp !== 'number') return null;
  const scopes = scope === undefined ? [] : typeof scope === 'string' ? parseScope(scope) : undefined;
  if (scopes === undefined) return null;
  const aud = payload.aud;
  const audience = typeof aud === 'string' ? [aud] : Array.isArray(aud) ? aud : undefined;
  const extra = Object.fromEntries(Object.entries(payload).filter(([name]) => !registeredClaims.has(name)));
  return {
    id: jti,
    format: 'jwt',
    clientId,
    scope: scopes,
    issuedAt: iat,
    expiresAt: exp,
    ...(typeof sub === 'string' ? { subject: sub } : {}),
    ...(audience === undefined ? {} : { audience }),
    ...(Object.keys(extra).length === 0 ? {} : { extra }),
  };
};

/**
 * RFC 9068 §4 validation at a resource server: the token is one JWS whose header `typ` is `at+jwt` (or
 * `application/at+jwt`), signed with an accepted algorithm by a key of the issuer's JWK Set (an unknown `kid`
 * refreshes the set once, within the fetcher's cooldown), `iss` exactly the issuer, `exp` in the future (with the
 * tolerance). The audience is checked by the bearer check against the protected resource (§4 item 4, RFC 8707),
 * so a token for another resource is told apart from a forged one in the log. A token that fails any check is
 * `null` (401 `invalid_token`); a key set that cannot be fetched is a fault (503/500), never a pass.
 */
export const jwtAccessTokenSource = (
  options: JwtAccessTokenOptions,
  deps: { readonly issuer: string; readonly jwks: JwksFetcher; readonly clock: Clock },
): ((token: string) => Promise<Found>) => {
  const algorithms = [...(options.algorithms ?? ['ES256', 'RS256', 'PS256', 'EdDSA'])];
  const tolerance = options.clockToleranceSeconds ?? 30;

  const verifyWith = async (token: string, refresh: boolean): Promise<Found> => {
    const set = await deps.jwks.fetch(options.jwksUri, { refresh })();
    if (set._tag === 'Left') return set;
    try {
      const { payload } = await jwtVerify(token, createLocalJWKSet(set.right as unknown as JSONWebKeySet), {
        issuer: deps.issuer,
        typ: 'at+jwt',
        algorithms,
        clockTolerance: tolerance,
        currentDate: new Date(deps.clock.now() * 1000),
        requiredClaims: ['exp', 'iat', 'jti', 'client_id'],
      });
      return { _tag: 'Right', right: recordOfClaims(payload) };
    } catch (cause) {
      if (!refresh && cause instanceof errors.JWKSNoMatchingKey) return verifyWith(token, true);
      return { _tag: 'Right', right: null };
    }
  };

  return (token) => (looksLikeJws(token) ? verifyWith(token, false) : Promise.resolve({ _tag: 'Right', right: null }));
};
