import { decodeServerConfig, type ServerConfigInput } from '../codec/config.js';
import { authorizeRoute } from '../endpoints/authorize.js';
import { deviceAuthorizationRoute } from '../endpoints/device-authorization.js';
import { failWith, guarded, methodNotAllowed, renderError } from '../endpoints/render-error.js';
import { tokenRoute } from '../endpoints/token.js';
import { oauthError } from '../errors/oauth-error.js';
import { authorizationCodeGrant } from '../grants/authorization-code/index.js';
import { clientCredentialsGrant } from '../grants/client-credentials/index.js';
import { deviceCodeGrant, deviceCodeGrantType } from '../grants/device-code/index.js';
import { refreshTokenGrant } from '../grants/refresh-token/index.js';
import { registerGrant, type RegisteredGrant } from '../grants/registry.js';
import type { HttpRequest } from '../http/http-request.js';
import type { HttpResponse } from '../http/http-response.js';
import type { TokenHooks } from '../tokens/issue.js';
import type { AuthorizationServer, BearerResult, Route } from './authorization-server.js';
import type { ServerConfig } from './config.js';
import { createDeviceVerificationApi } from './device-verification.js';
import { createInteractionApi } from './interactions.js';
import { oidcBearer, oidcKeys, oidcRouteBuilders as signingRouteBuilders, oidcTokenHooks } from './oidc.js';
import type { AuthorizationServerPorts } from './ports.js';
import { checkGrantPorts, type PortsFor } from './more-grant-ports.js';
import { moreGrants } from './more-grants.js';

/** Builds one route from the decoded config and the ports; `undefined` when its feature is disabled. */
export type RouteBuilder = (config: ServerConfig, ports: AuthorizationServerPorts) => Route | undefined;

/** Builds token-format hooks (merged under the host's own `ports.tokens`, which win). */
export type TokenHooksBuilder = (config: ServerConfig, ports: AuthorizationServerPorts) => TokenHooks;

/** Builds the RFC 6750 bearer check for resource servers. */
export type BearerBuilder = (config: ServerConfig, ports: AuthorizationServerPorts) => AuthorizationServer['bearer'];

/** Every grant the token endpoint knows; `config.grantTypes` picks the enabled ones. */
export const grantRegistry: readonly RegisteredGrant<AuthorizationServerPorts>[] = [
  registerGrant(authorizationCodeGrant),
  registerGrant(refreshTokenGrant),
  registerGrant(clientCredentialsGrant),
  registerGrant(deviceCodeGrant),
  // RFC 7523 §2.1 jwt-bearer, RFC 8693 token exchange, RFC 6749 §4.3 password (legacy): `server/more-grants.ts`.
  ...moreGrants,
];

// ─── REGISTRATION POINTS ─────────────────────────────────────────────────────────────────────────────────────────
// Add a builder to the array of your feature; nothing else in this file needs to change.

/** Authorization endpoint and device flow routes (RFC 6749 §4.1, RFC 8628 §3.1). */
export const authorizationRouteBuilders: readonly RouteBuilder[] = [
  (config, ports) => (config.grantTypes.includes('authorization_code') ? authorizeRoute(config, ports) : undefined),
  (config, ports) => (config.grantTypes.includes(deviceCodeGrantType) ? deviceAuthorizationRoute(config, ports) : undefined),
];

/** OpenID Connect / token-introspection routes: jwks, discovery, userinfo, introspection, revocation, end session. */
export const oidcRouteBuilders: readonly RouteBuilder[] = [...signingRouteBuilders];

/** Token-format hooks (RFC 9068 JWT access tokens, ID tokens). */
export const tokenHooksBuilders: readonly TokenHooksBuilder[] = [oidcTokenHooks];

/** The bearer check (`server/bearer.ts`); the first one wins. */
export const bearerBuilders: readonly BearerBuilder[] = [oidcBearer];
// ─────────────────────────────────────────────────────────────────────────────────────────────────────────────────

const requiredPorts: readonly (keyof AuthorizationServerPorts)[] = ['clock', 'random', 'secrets', 'logger', 'clients', 'accessTokens', 'replay'];

const notEnabled = (what: string) => oauthError('server_error', `${what} is not enabled on this server.`, { detail: `${what} not configured` });

/** `bearer` never rejects: an unexpected failure is a logged 500 `Rejected` result. */
const guardedBearer =
  (ports: AuthorizationServerPorts, bearer: AuthorizationServer['bearer']): AuthorizationServer['bearer'] =>
  async (req, options) => {
    try {
      return await bearer(req, options);
    } catch (cause) {
      try {
        ports.logger.log('error', 'bearer: unexpected failure', { cause });
      } catch {
        // A failing logger must not turn the 500 into a rejection.
      }
      return { _tag: 'Rejected', response: renderError(oauthError('server_error', 'The authorization server encountered an unexpected condition.')) };
    }
  };

/** `AuthorizationServer.keys` only when the server's signer can rotate (exactOptionalPropertyTypes: no `undefined`). */
const keysApi = (keys: AuthorizationServer['keys']): Pick<AuthorizationServer, 'keys'> => (keys === undefined ? {} : { keys });

/**
 * Composes the authorization server: decodes the config (a `TypeError` naming the bad field), enables the grants of
 * `config.grantTypes` (a `TypeError` for a grant type without implementation), builds the route table and the
 * host-facing APIs. `handle` dispatches by path: 404 JSON for an unknown path, 405 with `Allow` for a wrong method,
 * and a last-resort guard turning any unexpected rejection into a logged `server_error` 500 (no stack traces).
 */
export const createAuthorizationServer = <const G extends readonly string[] = readonly string[]>(
  configInput: ServerConfigInput & { readonly grantTypes?: G },
  ports: AuthorizationServerPorts & PortsFor<G[number]>,
): AuthorizationServer => {
  const config = decodeServerConfig(configInput);
  for (const name of requiredPorts) {
    if (typeof ports !== 'object' || ports === null || ports[name] === undefined) throw new TypeError(`createAuthorizationServer: ports.${name} is required`);
  }
  const hooks = tokenHooksBuilders.reduce<TokenHooks>((acc, build) => ({ ...acc, ...build(config, ports) }), {});
  const effective: AuthorizationServerPorts = { ...ports, tokens: { ...hooks, ...ports.tokens } };

  const grants = config.grantTypes.map((grantType) => {
    const grant = grantRegistry.find((g) => g.grantType === grantType);
    if (grant === undefined) throw new TypeError(`Invalid server config: grantTypes contains ${JSON.stringify(grantType)}, which has no implementation`);
    return grant;
  });
  checkGrantPorts(config.grantTypes, ports);

  // Every route's handler is guarded too: adapters may call `routes[i].handle` directly.
  const routes: readonly Route[] = [
    tokenRoute(config, effective, grants),
    ...[...authorizationRouteBuilders, ...oidcRouteBuilders].map((build) => build(config, effective)).filter((r): r is Route => r !== undefined),
  ].map((route) => ({ ...route, handle: guarded(ports.logger, route.path, route.handle) }));
  const byPath = new Map<string, Route>();
  for (const route of routes) {
    if (byPath.has(route.path)) throw new TypeError(`Invalid server config: two routes share the path ${route.path}`);
    byPath.set(route.path, route);
  }

  const handle = guarded(ports.logger, 'router', async (req: HttpRequest): Promise<HttpResponse> => {
    const route = byPath.get(req.path);
    if (route === undefined) return renderError(oauthError('not_found', 'No such endpoint.'));
    if (!route.methods.includes(req.method)) return failWith(ports.logger, req.path, methodNotAllowed(route.methods));
    return route.handle(req);
  });

  const bearerBuilder = bearerBuilders[0];
  const bearer: AuthorizationServer['bearer'] =
    bearerBuilder === undefined
      ? async (): Promise<BearerResult> => ({ _tag: 'Rejected', response: renderError(notEnabled('Bearer token verification')) })
      : guardedBearer(ports, bearerBuilder(config, effective));

  return {
    config,
    routes,
    matches: (path) => byPath.has(path),
    handle,
    bearer,
    interactions: createInteractionApi(config, effective),
    device: createDeviceVerificationApi(effective),
    ...keysApi(oidcKeys(config, effective)),
  };
};
