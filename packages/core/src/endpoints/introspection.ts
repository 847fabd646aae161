import * as E from 'fp-ts/lib/Either.js';
import type { TokenUsageSink } from '../ports/token-usage.js';
import { reportUse } from '../tokens/usage.js';
import * as O from 'fp-ts/lib/Option.js';
import * as TE from 'fp-ts/lib/TaskEither.js';
import { pipe } from 'fp-ts/lib/function.js';
import { authenticateClient, type ClientAuthPorts } from '../client-auth/authenticate.js';
import { invalidClient } from '../client-auth/credentials.js';
import { isPublicClient, type AuthenticatedClient } from '../domain/client.js';
import { formatScope } from '../domain/scope.js';
import { invalidRequest, type OAuthError } from '../errors/oauth-error.js';
import { fromStoreError } from '../errors/store-error.js';
import { readFormBody } from '../http/form-urlencoded.js';
import type { HttpRequest } from '../http/http-request.js';
import { json, noStore, text, type HttpResponse } from '../http/http-response.js';
import type { Signer, SigningAlg } from '../ports/keys.js';
import type { Clock, Logger } from '../ports/runtime.js';
import type { Route } from '../http/route.js';
import { runHook, type ClaimHooks } from '../tokens/claim-hooks.js';
import { findPresentedToken, isActiveAccessToken, isActiveRefreshToken, type FoundToken, type TokenLookupPorts } from '../tokens/lookup.js';
import { failWith } from './render-error.js';
import { optional } from '../domain/optional.js';
import { introspectorsOf } from '../resources/indicators.js';
import { resourcesWhen, type RegistryPorts } from '../resources/catalog.js';
import { boundJkt } from '../dpop/binding.js';

export interface IntrospectionPorts extends TokenLookupPorts, RegistryPorts {
  readonly clock: Clock;
  readonly logger: Logger;
  /** Client authentication, exactly as at the token endpoint. */
  readonly clientAuth: ClientAuthPorts;
  readonly claimHooks?: ClaimHooks;
  /** Usage tracking: told of every access token introspection finds active. */
  readonly tokenUsage?: TokenUsageSink;
  /** Signs RFC 9701 JWT responses (and verifies JWT access tokens through `publicJwks`). */
  readonly signer: Pick<Signer, 'publicJwks' | 'sign' | 'algorithms'>;
  /** `alg` of RFC 9701 JWT responses (default RS256 when the signer has it, else its first algorithm). */
  readonly introspectionSigningAlg?: SigningAlg;
}

/** RFC 9701 §4 / §5: the media type a client asks for (Accept) and the server answers with (Content-Type). */
const introspectionJwtMediaType = 'application/token-introspection+jwt';

/**
 * RFC 9701 §4: the client requests a JWT response with `Accept: application/token-introspection+jwt`. A media range
 * of the header matches when its type is exactly that (case-insensitive, parameters ignored) and its `q` is not 0
 * (RFC 9110 §12.5.1). Wildcards do not ask for a JWT: the plain JSON response stays the default.
 */
export const wantsIntrospectionJwt = (accept: string | undefined): boolean =>
  accept !== undefined &&
  accept.split(',').some((range) => {
    const [type, ...params] = range.split(';').map((p) => p.trim().toLowerCase());
    return type === introspectionJwtMediaType && !params.some((p) => /^q\s*=\s*0(\.0{0,3})?$/.test(p));
  });

/** The `alg` of JWT introspection responses: the configured one, else RS256 when available, else the first. */
export const introspectionSigningAlg = (deps: Pick<IntrospectionPorts, 'signer' | 'introspectionSigningAlg'>): SigningAlg => {
  if (deps.introspectionSigningAlg !== undefined) return deps.introspectionSigningAlg;
  const algs = deps.signer.algorithms();
  return algs.includes('RS256') ? 'RS256' : (algs[0] ?? 'RS256');
};

/**
 * RFC 9701 §5: the introspection result as a signed JWT — header `typ: token-introspection+jwt`, claims `iss` (this
 * server), `aud` (the calling client's `client_id`), `iat` and `token_introspection` (the RFC 7662 §2.2 object,
 * `{"active": false}` included) — served as `application/token-introspection+jwt`. A signing failure is a
 * `server_error` (or `temporarily_unavailable`) like any store fault.
 */
const jwtResponse = (deps: IntrospectionPorts, caller: AuthenticatedClient, now: number, body: Readonly<Record<string, unknown>>): TE.TaskEither<OAuthError, HttpResponse> =>
  pipe(
    deps.signer.sign(
      { iss: deps.config.issuer, aud: caller.client.clientId, iat: Math.floor(now), token_introspection: body },
      { alg: introspectionSigningAlg(deps), typ: 'token-introspection+jwt' },
    ),
    TE.mapError(fromStoreError),
    TE.map((jwt): HttpResponse => text(200, jwt, introspectionJwtMediaType, noStore)),
  );

/** RFC 7662 §2.2: "If the introspection call is properly authorized but the token is not active … `{"active": false}`". */
const inactive: Readonly<Record<string, unknown>> = Object.freeze({ active: false });

/**
 * RFC 7662 §2.1 / §4: who may learn about a token — the client it was issued to, and, for an access token with an
 * RFC 8707 audience, the resource servers of that audience (the clients a resource's `clientIds` names; the
 * registry is read only for another client's token with an audience). Any other caller is answered as for an
 * unknown token.
 */
const mayIntrospect = (deps: IntrospectionPorts, found: FoundToken, caller: AuthenticatedClient): TE.TaskEither<OAuthError, boolean> => {
  if (found.record.clientId === caller.client.clientId) return TE.right(true);
  if (found._tag !== 'Access' || (found.record.audience?.length ?? 0) === 0) return TE.right(false);
  const audience = found.record.audience;
  return pipe(
    resourcesWhen(deps.config, deps, true),
    TE.map((resources) => introspectorsOf(resources, audience).includes(caller.client.clientId)),
  );
};

/**
 * RFC 7662 §2.2 response for a found token: active only while usable and only to a caller `mayIntrospect` admits (an
 * other client's token is indistinguishable from an unknown one, §4). Access tokens: `scope`, `client_id`,
 * `token_type` (RFC 7662 §2.2: `DPoP` for a token bound by RFC 9449 §6, whose `cnf.jkt` is shown as in RFC 9449 §6.2,
 * else `Bearer`), `exp`, `iat`, `sub`, `aud`, `iss`, `jti` (JWTs), hook claims; refresh tokens: `scope`, `client_id`,
 * `exp`, `iat`, `sub`, `iss`.
 */
const describe = (deps: IntrospectionPorts, found: FoundToken, caller: AuthenticatedClient, now: number): TE.TaskEither<OAuthError, Readonly<Record<string, unknown>>> => {
  return pipe(
    mayIntrospect(deps, found, caller),
    TE.flatMap((may) => (may ? describeFor(deps, found, caller, now) : TE.right(inactive))),
  );
};

const describeFor = (deps: IntrospectionPorts, found: FoundToken, caller: AuthenticatedClient, now: number): TE.TaskEither<OAuthError, Readonly<Record<string, unknown>>> => {
  const record = found.record;
  const common = {
    scope: formatScope(record.scope),
    client_id: record.clientId,
    exp: record.expiresAt,
    iat: record.issuedAt,
    iss: deps.config.issuer,
    ...optional('sub', record.subject),
  };
  if (found._tag === 'Refresh') return TE.right(isActiveRefreshToken(found.record, now) ? { active: true, ...common } : inactive);
  const access = found.record;
  if (!isActiveAccessToken(access, now)) return TE.right(inactive);
  reportUse(deps, access.id, now);
  return pipe(
    runHook(deps.claimHooks?.introspection, { client: caller.client, record: access }),
    TE.map((hooked) => ({
      ...(access.extra ?? {}),
      ...hooked,
      active: true,
      ...common,
      token_type: boundJkt(access.extra) === undefined ? 'Bearer' : 'DPoP',
      ...optional('aud', access.audience === undefined ? undefined : access.audience.length === 1 ? access.audience[0] : access.audience),
      ...optional('jti', access.format === 'jwt' ? access.id : undefined),
    })),
  );
};

/**
 * RFC 7662 §2.1 token introspection: POST with an `application/x-www-form-urlencoded` body; the caller authenticates
 * as at the token endpoint (RFC 6749 §2.3) and must be a confidential client (§2.1 "some form of authorization", §4
 * token scanning); `token` is required (`invalid_request`), `token_type_hint` only orders the lookup. Expired,
 * revoked, rotated, unknown and other clients' tokens all answer exactly `{"active": false}`. With
 * `Accept: application/token-introspection+jwt` the answer is an RFC 9701 signed JWT (errors stay RFC 6749 §5.2
 * JSON).
 */
export const introspectionRoute = (deps: IntrospectionPorts): Route => ({
  path: deps.config.routes.introspection,
  methods: ['POST'],
  handle: async (req: HttpRequest): Promise<HttpResponse> => {
    const now = deps.clock.now();
    const result = await pipe(
      TE.fromEither(readFormBody(req)),
      TE.bindTo('form'),
      TE.bind('caller', ({ form }) => authenticateClient(form)({ config: deps.config, ports: deps.clientAuth, now, request: req })),
      TE.tap(({ caller }) =>
        isPublicClient(caller.client) ? TE.left(invalidClient('Public clients may not use the introspection endpoint.', `public client ${caller.client.clientId}`)) : TE.right(undefined),
      ),
      TE.bind('token', ({ form }) => TE.fromEither(E.fromNullable(invalidRequest('The token parameter is missing.', 'missing token'))(form['token']))),
      TE.bind('body', ({ form, caller, token }) =>
        pipe(
          findPresentedToken(deps, token, form['token_type_hint']),
          TE.mapError(fromStoreError),
          TE.flatMap(O.match(() => TE.right(inactive), (found) => describe(deps, found, caller, now))),
        ),
      ),
      TE.flatMap(({ caller, body }) =>
        wantsIntrospectionJwt(req.headers['accept']) ? jwtResponse(deps, caller, now, body) : TE.right<OAuthError, HttpResponse>(json(200, body, noStore)),
      ),
    )();
    return E.isLeft(result) ? failWith(deps.logger, 'introspection', result.left) : result.right;
  },
});
