import * as O from 'fp-ts/lib/Option.js';
import * as TE from 'fp-ts/lib/TaskEither.js';
import { pipe } from 'fp-ts/lib/function.js';
import type { ClientStore } from '../ports/stores.js';
import { decodeServerConfig, type ServerConfigInput } from '../codec/config.js';
import type { ServerConfig } from '../config/server-config.js';
import { renderError } from '../endpoints/render-error.js';
import { routeTable } from '../endpoints/route-table.js';
import { oauthError } from '../errors/oauth-error.js';
import { builtInGrants, type PortsFor } from '../grants/built-in.js';
import type { Grant } from '../grants/grant.js';
import { registerGrant, type RegisteredGrant } from '../grants/registry.js';
import { createDeviceVerificationApi } from '../host/device-verification.js';
import { createInteractionApi } from '../host/interactions.js';
import { keyRotationApi } from '../host/key-rotation.js';
import { defaultSigningAlgorithms, joseSigner } from '../keys/jose-signer.js';
import { memoryKeyStore } from '../keys/key-stores.js';
import type { Signer } from '../ports/keys.js';
import { signedTokenHooks } from '../tokens/signed-tokens.js';
import type { AuthorizationServer } from './authorization-server.js';
import type { AuthorizationServerPorts, BasePorts, ComposedPorts } from './ports.js';
import { serverAuthMethods, serverBearer, serverRoutes } from './routes.js';
import { metadataDocumentPolicy, withMetadataDocuments } from './client-lookup.js';
import { optional } from '../domain/optional.js';

const basePorts: readonly (keyof BasePorts)[] = ['clock', 'random', 'secrets', 'logger', 'clients', 'accessTokens', 'replay'];

/** The server's one signer: `ports.signer`, else the default jose signer over `ports.keys` (in memory without). */
const buildSigner = (config: ServerConfig, ports: AuthorizationServerPorts): Signer => {
  if (ports.signer !== undefined) return ports.signer;
  const signing = ports.signing ?? {};
  return joseSigner({
    store: ports.keys ?? memoryKeyStore(),
    clock: ports.clock,
    algorithms: signing.algorithms ?? defaultSigningAlgorithms,
    maxTokenLifetime: signing.maxTokenLifetime ?? Math.max(config.lifetimes.accessToken, config.lifetimes.idToken) + config.assertions.clockSkewSeconds,
  });
};

/** The client store as the endpoints see it: a client an operator disabled is not found (RFC 6749 §2.3: unknown). */
const enabledClients = (clients: ClientStore): ClientStore => ({
  ...clients,
  find: (clientId) => pipe(clients.find(clientId), TE.map(O.filter((c) => c.disabled !== true))),
});

/** The signer and the token formats built once, passed explicitly to every feature (the host's `tokens` win). */
const compose = (config: ServerConfig, ports: AuthorizationServerPorts): ComposedPorts => {
  const signer = buildSigner(config, ports);
  const documents = ports.clientMetadataDocuments;
  const clients =
    documents === undefined
      ? enabledClients(ports.clients)
      : withMetadataDocuments(enabledClients(ports.clients), documents, metadataDocumentPolicy(config, serverAuthMethods(ports)), ports.logger);
  // RFC 9068 access tokens are ES256 unless configured: the fastest to sign; ID tokens stay RS256 for interoperability.
  const tokens = { ...signedTokenHooks(config, signer, { accessTokenAlg: 'ES256', ...ports.signing }, ports.claimHooks), ...ports.tokens };
  return { ...ports, clients, signer, tokens };
};

/** The enabled grants: a `TypeError` for a grant type without implementation, or one whose ports are missing. */
const enabledGrants = (config: ServerConfig, ports: object): readonly RegisteredGrant<ComposedPorts>[] =>
  config.grantTypes.map((grantType) => {
    const grant = (builtInGrants as readonly Grant<unknown>[]).find((g) => g.grantType === grantType);
    if (grant === undefined) throw new TypeError(`Invalid server config: grantTypes contains ${JSON.stringify(grantType)}, which has no implementation`);
    const missing = (grant.ports as readonly string[]).find((name) => (ports as Readonly<Record<string, unknown>>)[name] === undefined);
    if (missing !== undefined) throw new TypeError(`createAuthorizationServer: ports.${missing} is required by the ${grantType} grant`);
    // The grant's ports were checked just above, so the composed ports satisfy them.
    return registerGrant(grant as Grant<ComposedPorts, unknown>);
  });

/**
 * Composes the authorization server: decodes the config (a `TypeError` naming the bad field), checks the ports (a
 * `TypeError` naming the first missing one), builds the one signer and the token formats, enables the grants of
 * `config.grantTypes`, builds the route table (every route behind one never-throw guard) and the host-facing APIs.
 * Synchronous: keys are loaded (or generated) on first use.
 */
export const createAuthorizationServer = <const G extends readonly string[] = readonly string[]>(
  configInput: ServerConfigInput & { readonly grantTypes?: G },
  ports: AuthorizationServerPorts & PortsFor<G[number]>,
): AuthorizationServer => {
  const config = decodeServerConfig(configInput);
  for (const name of basePorts) {
    if (typeof ports !== 'object' || ports === null || ports[name] === undefined) throw new TypeError(`createAuthorizationServer: ports.${name} is required`);
  }
  const grants = enabledGrants(config, ports);
  const composed = compose(config, ports);
  const table = routeTable(composed.logger, serverRoutes(config, composed, grants));
  const bearer = serverBearer(config, composed);
  const keys = keyRotationApi(composed.signer);
  return {
    config,
    routes: table.routes,
    matches: table.matches,
    handle: table.handle,
    bearer: async (req, options) => {
      try {
        return await bearer(req, options);
      } catch (cause) {
        composed.logger.log('error', 'bearer: unexpected failure', { cause });
        return { _tag: 'Rejected', response: renderError(oauthError('server_error', 'The authorization server encountered an unexpected condition.')) };
      }
    },
    interactions: createInteractionApi(config, composed),
    device: createDeviceVerificationApi(composed),
    ...optional('keys', keys),
  };
};
