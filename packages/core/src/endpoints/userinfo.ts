import * as E from 'fp-ts/lib/Either.js';
import * as O from 'fp-ts/lib/Option.js';
import * as TE from 'fp-ts/lib/TaskEither.js';
import { pipe } from 'fp-ts/lib/function.js';
import type { Claims, TokenClaimsContext } from '../tokens/claim-hooks.js';
import type { Scope } from '../domain/scope.js';
import { oauthError, oauthErrorStatus, type OAuthError } from '../errors/oauth-error.js';
import { fromStoreError } from '../errors/store-error.js';
import type { HttpRequest } from '../http/http-request.js';
import { json, noStore, type HttpResponse } from '../http/http-response.js';
import type { UserClaimsSource } from '../ports/identity.js';
import type { Clock, Logger, SecretHasher } from '../ports/runtime.js';
import { freshNonceHeader } from '../dpop/nonce.js';
import type { Route } from '../http/route.js';
import { bearerChallenge, type BearerOptions, type BearerResult } from './bearer.js';
import type { ServerConfig } from '../config/server-config.js';
import { failWith } from './render-error.js';

/** OpenID Connect Core §5.4: the claims each standard scope releases. */
const scopeClaims: Readonly<Record<string, readonly string[]>> = Object.freeze({
  profile: ['name', 'family_name', 'given_name', 'middle_name', 'nickname', 'preferred_username', 'profile', 'picture', 'website', 'gender', 'birthdate', 'zoneinfo', 'locale', 'updated_at'],
  email: ['email', 'email_verified'],
  address: ['address'],
  phone: ['phone_number', 'phone_number_verified'],
});

/** Every claim name the standard scopes can release, plus `sub` (discovery's `claims_supported`). */
export const standardClaims: readonly string[] = ['sub', ...Object.values(scopeClaims).flat()];

/**
 * OpenID Connect Core §5.4: the user's claims released by `scope` (unknown scopes release nothing), with `sub` always
 * the token's subject (§5.3.2: it must match the ID token's `sub`; the claims source cannot change it).
 */
const releasedClaims = (claims: Readonly<Record<string, unknown>>, scope: Scope, subject: string): Readonly<Record<string, unknown>> => {
  const names = new Set(scope.flatMap((s) => scopeClaims[s] ?? []));
  const out: Record<string, unknown> = {};
  for (const [k, v] of Object.entries(claims)) if (names.has(k) && v !== undefined) out[k] = v;
  return { ...out, sub: subject };
};

/**
 * A ready-made ID-token claims hook (`ClaimHooks.idToken`): adds the user's claims released by the granted scope
 * (OIDC Core §5.4), optionally limited to `names` (e.g. `['email', 'email_verified']`). By default ID tokens carry
 * only the required claims and userinfo serves the rest (§5.4: scope claims go to userinfo when an access token is
 * issued). An unknown user adds nothing.
 */
export const idTokenUserClaims =
  (source: UserClaimsSource, names?: readonly string[]) =>
  (ctx: TokenClaimsContext): TE.TaskEither<OAuthError, Claims> =>
    ctx.subject === undefined
      ? TE.right({})
      : pipe(
          source.claims(ctx.subject),
          TE.mapError(fromStoreError),
          TE.map(
            O.match(
              (): Claims => ({}),
              (claims) => {
                const { sub: _sub, ...released } = releasedClaims(claims, ctx.scope, ctx.subject ?? '');
                return names === undefined ? released : Object.fromEntries(Object.entries(released).filter(([k]) => names.includes(k)));
              },
            ),
          ),
        );

export interface UserinfoPorts {
  readonly config: ServerConfig;
  /** With `secrets`: the fresh `DPoP-Nonce` of a DPoP-scheme success (RFC 9449 §8.2), when nonces are on. */
  readonly clock?: Clock;
  readonly secrets?: SecretHasher;
  readonly claims: UserClaimsSource;
  readonly logger: Logger;
  readonly bearer: (req: HttpRequest, options?: BearerOptions) => Promise<BearerResult>;
}

const invalidTokenResponse = (realm: string, description: string): HttpResponse => {
  const error = oauthError('invalid_token', description);
  return json(oauthErrorStatus.invalid_token, { error: error.code, error_description: error.description }, { ...noStore, 'www-authenticate': bearerChallenge(realm, error) });
};

/** `no-store`, plus RFC 9449 §8.2's fresh `DPoP-Nonce` for a request with the DPoP scheme when nonces are on. */
const successHeaders = (deps: UserinfoPorts, req: HttpRequest): Readonly<Record<string, string>> => {
  const dpop = /^dpop\s/i.test(req.headers['authorization']?.trim() ?? '');
  if (!dpop || deps.clock === undefined || deps.secrets === undefined) return noStore;
  return { ...noStore, ...freshNonceHeader(deps.config, deps.secrets, deps.clock.now()) };
};

/**
 * OpenID Connect Core §5.3 UserInfo endpoint, GET and POST (§5.3.1), bearer token per RFC 6750 (header, or form
 * body on POST). The token must carry `openid` (403 `insufficient_scope` otherwise) and belong to an end user; an
 * unknown/expired/revoked token is 401 `invalid_token`, no token 401 with a bare `Bearer` challenge. Success: 200
 * JSON with `sub` and the claims of the granted scopes (§5.3.2, §5.4), not cacheable; to a request with the DPoP
 * scheme it carries a fresh `DPoP-Nonce` when server nonces are on (RFC 9449 §8.2, §9).
 */
export const userinfoRoute = (deps: UserinfoPorts): Route => ({
  path: deps.config.routes.userinfo,
  methods: ['GET', 'POST'],
  handle: async (req: HttpRequest): Promise<HttpResponse> => {
    const checked = await deps.bearer(req, { requiredScopes: ['openid'], allowBody: true });
    if (checked._tag === 'Rejected') return checked.response;
    const { subject, scope } = checked.auth;
    const realm = deps.config.issuer;
    if (subject === undefined) return invalidTokenResponse(realm, 'The access token was not issued to an end user.');
    const found = await deps.claims.claims(subject)();
    if (E.isLeft(found)) return failWith(deps.logger, 'userinfo', fromStoreError(found.left));
    if (O.isNone(found.right)) return invalidTokenResponse(realm, 'The end user of this access token no longer exists.');
    return json(200, releasedClaims(found.right.value, scope, subject), successHeaders(deps, req));
  },
});
