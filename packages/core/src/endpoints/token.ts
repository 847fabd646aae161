import * as E from 'fp-ts/lib/Either.js';
import { authenticateClient, type ClientAuthPorts } from '../client-auth/authenticate.js';
import { isPublicClient, type AuthenticatedClient } from '../domain/client.js';
import { invalidRequest, oauthError, unauthorizedClient, type OAuthError } from '../errors/oauth-error.js';
import type { GrantContext, TokenResponse } from '../grants/grant.js';
import type { RegisteredGrant } from '../grants/registry.js';
import { readFormBody, type FormParams } from '../http/form-urlencoded.js';
import type { HttpRequest } from '../http/http-request.js';
import { json, noStore, type HttpResponse } from '../http/http-response.js';
import type { Clock, Logger } from '../ports/runtime.js';
import type { Route } from '../http/route.js';
import type { ServerConfig } from '../config/server-config.js';
import { failWith } from './render-error.js';
import { requireProof, tokenRequestProof } from '../dpop/token-endpoint.js';
import { freshNonceHeader } from '../dpop/nonce.js';
import { optional } from '../domain/optional.js';

/** The ports the token endpoint itself uses (each grant adds its own). */
export type TokenEndpointPorts = ClientAuthPorts & { readonly clock: Clock; readonly logger: Logger };

/** RFC 6749 §4.1.3 / §5.2: the `grant_type` envelope. Missing → `invalid_request`; unknown/disabled → `unsupported_grant_type`. */
const selectGrant = <P>(form: FormParams, grants: ReadonlyMap<string, RegisteredGrant<P>>): E.Either<OAuthError, RegisteredGrant<P>> => {
  const grantType = form['grant_type'];
  if (grantType === undefined) return E.left(invalidRequest('The grant_type parameter is missing.', 'missing grant_type'));
  const grant = grants.get(grantType);
  return grant === undefined
    ? E.left(oauthError('unsupported_grant_type', 'The grant type is not supported by this server.', { detail: `grant_type ${grantType}` }))
    : E.right(grant);
};

/**
 * RFC 6749 §5.2 `unauthorized_client`: "The authenticated client is not authorized to use this authorization grant
 * type" — the client must list the grant in its `grant_types`; `confidential` grants (§4.4) refuse public clients.
 */
const authorizeGrant = (grant: { readonly grantType: string; readonly clients: 'confidential' | 'any' }, authenticated: AuthenticatedClient): E.Either<OAuthError, AuthenticatedClient> => {
  if (!authenticated.client.grantTypes.includes(grant.grantType)) return E.left(unauthorizedClient('The client is not allowed to use this grant type.'));
  if (grant.clients === 'confidential' && isPublicClient(authenticated.client)) return E.left(unauthorizedClient('This grant type is for confidential clients only.'));
  return E.right(authenticated);
};

/**
 * The token endpoint (RFC 6749 §3.2): POST with an `application/x-www-form-urlencoded` body only; a DPoP proof, when
 * sent, is verified first (RFC 9449 §5) and binds the tokens issued; the `grant_type`
 * envelope first, then client authentication (§2.3), then the grant's parameters and handler. Success is 200 JSON
 * with `Cache-Control: no-store` and `Pragma: no-cache` (§5.1), plus a fresh `DPoP-Nonce` when the request carried a
 * proof and server nonces are on (RFC 9449 §8.2); errors are §5.2 JSON (`invalid_client` 401 with
 * `WWW-Authenticate` when HTTP Basic was tried), store faults `server_error`/`temporarily_unavailable`, all logged
 * with their private detail through `ports.logger`. The route table adds the method check and the never-throw
 * guard.
 *
 * Named steps, each an `Either` or a port's `TaskEither` awaited once; the first `Left` ends the request. The grant
 * table is indexed once, when the route is built (this is the hottest path of the server: no combinator is built
 * per request).
 */
const handleTokenRequest = <P extends TokenEndpointPorts>(config: ServerConfig, ports: P, grants: readonly RegisteredGrant<P>[]) => {
  const byType = new Map(grants.map((g) => [g.grantType, g] as const));
  const respond = async (req: HttpRequest): Promise<E.Either<OAuthError, TokenResponse>> => {
    const now = ports.clock.now();
    // RFC 9449 §5: a proof is verified first (a refused proof spends no assertion, code or refresh token).
    const proof = req.headers['dpop'] === undefined ? E.right(undefined) : await tokenRequestProof({ config, replay: ports.replay, secrets: ports.secrets }, req, now)();
    if (E.isLeft(proof)) return proof;
    const ctx: GrantContext<P> = { config, ports, now, request: req, ...optional('dpop', proof.right) };
    const form = readFormBody(req);
    if (E.isLeft(form)) return form;
    const grant = selectGrant(form.right, byType);
    if (E.isLeft(grant)) return grant;
    const client = await authenticateClient(form.right)(ctx)();
    if (E.isLeft(client)) return client;
    const authorized = authorizeGrant(grant.right, client.right);
    if (E.isLeft(authorized)) return authorized;
    const bound = requireProof(config, authorized.right.client, ctx.dpop);
    if (E.isLeft(bound)) return bound;
    return grant.right.run(form.right, authorized.right)(ctx)();
  };
  return async (req: HttpRequest): Promise<HttpResponse> => {
    const result = await respond(req);
    if (E.isLeft(result)) return failWith(ports.logger, 'token', result.left);
    const headers = req.headers['dpop'] === undefined ? noStore : { ...noStore, ...freshNonceHeader(config, ports.secrets, ports.clock.now()) };
    return json(200, result.right satisfies TokenResponse, headers);
  };
};

/** The token endpoint's route (`config.routes.token`). */
export const tokenRoute = <P extends TokenEndpointPorts>(ports: P & { readonly config: ServerConfig; readonly grants: readonly RegisteredGrant<NoInfer<P>>[] }): Route => ({
  path: ports.config.routes.token,
  methods: ['POST'],
  handle: handleTokenRequest(ports.config, ports, ports.grants),
});
