import * as RTE from 'fp-ts/lib/ReaderTaskEither.js';
import * as TE from 'fp-ts/lib/TaskEither.js';
import { pipe } from 'fp-ts/lib/function.js';
import { authenticateClient, type ClientAuthPorts } from '../client-auth/authenticate.js';
import { isPublicClient, type AuthenticatedClient } from '../domain/client.js';
import { invalidRequest, oauthError, unauthorizedClient, type OAuthError } from '../errors/oauth-error.js';
import type { GrantContext, TokenResponse } from '../grants/grant.js';
import type { RegisteredGrant } from '../grants/registry.js';
import { readFormBody, type FormParams } from '../http/form-urlencoded.js';
import type { HttpRequest } from '../http/http-request.js';
import { json, type HttpResponse } from '../http/http-response.js';
import type { Clock, Logger } from '../ports/runtime.js';
import type { Route } from '../http/route.js';
import type { ServerConfig } from '../config/server-config.js';
import { failWith } from './render-error.js';

/** The ports the token endpoint itself uses (each grant adds its own). */
export type TokenEndpointPorts = ClientAuthPorts & { readonly clock: Clock; readonly logger: Logger };

/** RFC 6749 §4.1.3 / §5.2: the `grant_type` envelope. Missing → `invalid_request`; unknown/disabled → `unsupported_grant_type`. */
const selectGrant = <P>(form: FormParams, grants: readonly RegisteredGrant<P>[]): RTE.ReaderTaskEither<GrantContext<P>, OAuthError, RegisteredGrant<P>> => {
  const grantType = form['grant_type'];
  if (grantType === undefined) return RTE.left(invalidRequest('The grant_type parameter is missing.', 'missing grant_type'));
  const grant = grants.find((g) => g.grantType === grantType);
  return grant === undefined
    ? RTE.left(oauthError('unsupported_grant_type', 'The grant type is not supported by this server.', { detail: `grant_type ${grantType}` }))
    : RTE.right(grant);
};

/**
 * RFC 6749 §5.2 `unauthorized_client`: "The authenticated client is not authorized to use this authorization grant
 * type" — the client must list the grant in its `grant_types`; `confidential` grants (§4.4) refuse public clients.
 */
const authorizeGrant = (grant: { readonly grantType: string; readonly clients: 'confidential' | 'any' }, authenticated: AuthenticatedClient): TE.TaskEither<OAuthError, AuthenticatedClient> => {
  if (!authenticated.client.grantTypes.includes(grant.grantType)) return TE.left(unauthorizedClient('The client is not allowed to use this grant type.'));
  if (grant.clients === 'confidential' && isPublicClient(authenticated.client)) return TE.left(unauthorizedClient('This grant type is for confidential clients only.'));
  return TE.right(authenticated);
};

/**
 * The token endpoint (RFC 6749 §3.2): POST with an `application/x-www-form-urlencoded` body only; the `grant_type`
 * envelope first, then client authentication (§2.3), then the grant's parameters and handler. Success is 200 JSON
 * with `Cache-Control: no-store` and `Pragma: no-cache` (§5.1); errors are §5.2 JSON (`invalid_client` 401 with
 * `WWW-Authenticate` when HTTP Basic was tried), store faults `server_error`/`temporarily_unavailable`, all logged
 * with their private detail through `ports.logger`. The route table adds the method check and the never-throw
 * guard.
 */
const handleTokenRequest =
  <P extends TokenEndpointPorts>(config: ServerConfig, ports: P, grants: readonly RegisteredGrant<P>[]) =>
  async (req: HttpRequest): Promise<HttpResponse> => {
    const ctx: GrantContext<P> = { config, ports, now: ports.clock.now(), request: req };
    const result = await pipe(
      RTE.fromEither(readFormBody(req)),
      RTE.bindTo('form'),
      RTE.bind('grant', ({ form }) => selectGrant(form, grants)),
      RTE.bind('client', ({ form }) => (c: GrantContext<P>) => authenticateClient(form)(c)),
      RTE.bind('authorized', ({ grant, client }) => RTE.fromTaskEither<OAuthError, AuthenticatedClient, GrantContext<P>>(authorizeGrant(grant, client))),
      RTE.flatMap(({ form, grant, authorized }) => grant.run(form, authorized)),
    )(ctx)();
    if (result._tag === 'Left') return failWith(ports.logger, 'token', result.left);
    return json(200, result.right satisfies TokenResponse);
  };

/** The token endpoint's route (`config.routes.token`). */
export const tokenRoute = <P extends TokenEndpointPorts>(ports: P & { readonly config: ServerConfig; readonly grants: readonly RegisteredGrant<NoInfer<P>>[] }): Route => ({
  path: ports.config.routes.token,
  methods: ['POST'],
  handle: handleTokenRequest(ports.config, ports, ports.grants),
});
