import * as E from 'fp-ts/lib/Either.js';
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
import { json, noStore, type HttpResponse } from '../http/http-response.js';
import type { Clock, Logger } from '../ports/runtime.js';
import type { Route } from '../server/authorization-server.js';
import { runHook, type ClaimHooks } from '../tokens/claim-hooks.js';
import { findPresentedToken, isActiveAccessToken, isActiveRefreshToken, type FoundToken, type TokenLookupDeps } from '../tokens/lookup.js';
import { failWith, guarded, methodNotAllowed } from './render-error.js';

export interface IntrospectionDeps extends TokenLookupDeps {
  readonly clock: Clock;
  readonly logger: Logger;
  /** Client authentication, exactly as at the token endpoint. */
  readonly clientAuth: ClientAuthPorts;
  readonly claimHooks?: ClaimHooks;
}

/** RFC 7662 §2.2: "If the introspection call is properly authorized but the token is not active … `{"active": false}`". */
export const inactive: Readonly<Record<string, unknown>> = Object.freeze({ active: false });

const optional = <K extends string, V>(key: K, value: V | undefined): { [P in K]?: V } => (value === undefined ? {} : ({ [key]: value } as { [P in K]: V }));

/**
 * RFC 7662 §2.2 response for a found token: active only while usable and only to the client it was issued to (an
 * other client's token is indistinguishable from an unknown one, §4). Access tokens: `scope`, `client_id`,
 * `token_type` Bearer, `exp`, `iat`, `sub`, `aud`, `iss`, `jti` (JWTs), hook claims; refresh tokens: `scope`,
 * `client_id`, `exp`, `iat`, `sub`, `iss`.
 */
const describe = (deps: IntrospectionDeps, found: FoundToken, caller: AuthenticatedClient, now: number): TE.TaskEither<OAuthError, Readonly<Record<string, unknown>>> => {
  const record = found.record;
  if (record.clientId !== caller.client.clientId) return TE.right(inactive);
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
  return pipe(
    runHook(deps.claimHooks?.introspection, { client: caller.client, record: access }),
    TE.map((hooked) => ({
      ...(access.extra ?? {}),
      ...hooked,
      active: true,
      ...common,
      token_type: 'Bearer',
      ...optional('aud', access.audience === undefined ? undefined : access.audience.length === 1 ? access.audience[0] : access.audience),
      ...optional('jti', access.format === 'jwt' ? access.id : undefined),
    })),
  );
};

/**
 * RFC 7662 §2.1 token introspection: POST with an `application/x-www-form-urlencoded` body; the caller authenticates
 * as at the token endpoint (RFC 6749 §2.3) and must be a confidential client (§2.1 "some form of authorization", §4
 * token scanning); `token` is required (`invalid_request`), `token_type_hint` only orders the lookup. Expired,
 * revoked, rotated, unknown and other clients' tokens all answer exactly `{"active": false}`. Never rejects.
 */
export const introspectionRoute = (deps: IntrospectionDeps): Route => ({
  path: deps.config.routes.introspection,
  methods: ['POST'],
  handle: guarded(deps.logger, 'introspection', async (req: HttpRequest): Promise<HttpResponse> => {
    if (req.method !== 'POST') return failWith(deps.logger, 'introspection', methodNotAllowed(['POST']));
    const now = deps.clock.now();
    const result = await pipe(
      TE.fromEither(readFormBody(req)),
      TE.bindTo('form'),
      TE.bind('caller', ({ form }) => authenticateClient(form)({ config: deps.config, ports: deps.clientAuth, now, request: req })),
      TE.tap(({ caller }) =>
        isPublicClient(caller.client) ? TE.left(invalidClient('Public clients may not use the introspection endpoint.', `public client ${caller.client.clientId}`)) : TE.right(undefined),
      ),
      TE.bind('token', ({ form }) => TE.fromEither(E.fromNullable(invalidRequest('The token parameter is missing.', 'missing token'))(form['token']))),
      TE.flatMap(({ form, caller, token }) =>
        pipe(
          findPresentedToken(deps, token, form['token_type_hint']),
          TE.mapLeft(fromStoreError),
          TE.flatMap(O.match(() => TE.right(inactive), (found) => describe(deps, found, caller, now))),
        ),
      ),
    )();
    return E.isLeft(result) ? failWith(deps.logger, 'introspection', result.left) : json(200, result.right, noStore);
  }),
});
