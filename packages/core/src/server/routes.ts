import type { ServerConfig } from '../config/server-config.js';
import type { ClientAuthMethod } from '../domain/client.js';
import { authorizeRoute } from '../endpoints/authorize.js';
import { bearerCheck } from '../endpoints/bearer.js';
import { deviceAuthorizationRoute } from '../endpoints/device-authorization.js';
import { discoveryRoutes } from '../endpoints/discovery.js';
import { scopesInForce } from '../resources/catalog.js';
import { endSessionRoute } from '../endpoints/end-session.js';
import { introspectionRoute, introspectionSigningAlg } from '../endpoints/introspection.js';
import { jwksRoute } from '../endpoints/jwks.js';
import { pushedAuthorizationRoute } from '../endpoints/pushed-authorization.js';
import { revocationRoute } from '../endpoints/revocation.js';
import { tokenRoute } from '../endpoints/token.js';
import { userinfoRoute } from '../endpoints/userinfo.js';
import { registrationRoute } from '../endpoints/registration.js';
import { deviceCodeGrantType } from '../grants/device-code/handler.js';
import type { RegisteredGrant } from '../grants/registry.js';
import type { Route } from '../http/route.js';
import type { ComposedPorts } from './ports.js';
import { optional } from '../domain/optional.js';

const defaultAuthMethods: readonly ClientAuthMethod[] = ['client_secret_basic', 'client_secret_post', 'private_key_jwt', 'none'];

/** What the endpoints that read tokens share: the config, the one signer and the stores (`ports` itself authenticates clients). */
const tokenSide = (config: ServerConfig, ports: ComposedPorts) => ({
  config,
  clock: ports.clock,
  logger: ports.logger,
  signer: ports.signer,
  secrets: ports.secrets,
  accessTokens: ports.accessTokens,
  replay: ports.replay,
  ...optional('refreshTokens', ports.refreshTokens),
  clientAuth: ports,
  ...optional('claimHooks', ports.claimHooks),
  ...optional('tokenUsage', ports.tokenUsage),
  ...optional('registry', ports.registry),
});

/** RFC 6750 bearer check over the server's stores and signer (resource servers, userinfo). */
export const serverBearer = (config: ServerConfig, ports: ComposedPorts) => bearerCheck(tokenSide(config, ports));

/**
 * The server's endpoints, in one table: token (RFC 6749 §3.2), authorization (§3.1, with the code grant), device
 * authorization (RFC 8628 §3.1, with the device grant), JWKS, userinfo (OIDC Core §5.3, with the `claims` port),
 * introspection (RFC 7662), revocation (RFC 7009), end session (RP-Initiated Logout), then both discovery documents
 * (OpenID Connect Discovery §4, RFC 8414 §3), which advertise exactly the endpoints above that are mounted.
 */
/** RFC 7591 / RFC 7592: the registration endpoint, when `config.registration` is not closed. */
const registration = (config: ServerConfig, ports: ComposedPorts, authMethods: readonly ClientAuthMethod[]): Route | undefined => {
  if (config.registration.mode === 'closed') return undefined;
  if (ports.registeredClients === undefined) throw new TypeError('createAuthorizationServer: ports.registeredClients is required by registration');
  return registrationRoute({ ...ports, config, registeredClients: ports.registeredClients, authMethods });
};

/** The client authentication methods the server accepts and advertises (`ports.tokenEndpointAuthMethods`, else the defaults). */
export const serverAuthMethods = (ports: Pick<ComposedPorts, 'tokenEndpointAuthMethods' | 'clientSecretJwtKeys'>): readonly ClientAuthMethod[] =>
  ports.tokenEndpointAuthMethods ?? (ports.clientSecretJwtKeys === undefined ? defaultAuthMethods : [...defaultAuthMethods, 'client_secret_jwt']);

export const serverRoutes = (config: ServerConfig, ports: ComposedPorts, grants: readonly RegisteredGrant<ComposedPorts>[]): readonly Route[] => {
  const tokens = tokenSide(config, ports);
  const offered = serverAuthMethods(ports);
  // FAPI 2.0 Security Profile §5.3.2.1: only private_key_jwt is accepted, so only it is advertised.
  const authMethods = config.profile === 'fapi2' ? offered.filter((m) => m === 'private_key_jwt') : offered;
  if (authMethods.length === 0) throw new TypeError("createAuthorizationServer: ports.tokenEndpointAuthMethods must include private_key_jwt under profile 'fapi2'");
  // Discovery reads the finished table (the set of mounted paths) when it is asked, not when it is built.
  const paths = new Set<string>();
  const discovery = discoveryRoutes({ config, ...optional('scopes', ports.registry === undefined ? undefined : () => scopesInForce(config, ports)), metadata: () => ({
    idTokenSigningAlgs: ports.signer.algorithms(),
    introspectionSigningAlgs: [introspectionSigningAlg({ signer: ports.signer })],
    hasRoute: (path) => paths.has(path),
    tokenEndpointAuthMethods: authMethods,
    clientIdMetadataDocuments: ports.clientMetadataDocuments !== undefined,
  }) });
  const endpoints: readonly (Route | undefined)[] = [
    tokenRoute({ ...ports, config, grants }),
    config.grantTypes.includes('authorization_code') ? authorizeRoute({ ...ports, config }) : undefined,
    config.grantTypes.includes('authorization_code') && ports.pushedRequests !== undefined
      ? pushedAuthorizationRoute({ ...ports, config, pushedRequests: ports.pushedRequests })
      : undefined,
    config.grantTypes.includes(deviceCodeGrantType) ? deviceAuthorizationRoute({ ...ports, config }) : undefined,
    jwksRoute(tokens),
    ...discovery,
    ports.claims === undefined ? undefined : userinfoRoute({ ...tokens, claims: ports.claims, bearer: serverBearer(config, ports) }),
    introspectionRoute(tokens),
    revocationRoute(tokens),
    endSessionRoute({ config, clients: ports.clients, signer: ports.signer, logger: ports.logger, ...optional('sessions', ports.sessions) }),
    registration(config, ports, authMethods),
  ];
  const mounted = endpoints.filter((route): route is Route => route !== undefined);
  for (const route of mounted) paths.add(route.path);
  return mounted;
};
