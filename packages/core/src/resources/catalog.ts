import * as TE from 'fp-ts/lib/TaskEither.js';
import { pipe } from 'fp-ts/lib/function.js';
import type { ResourceServer } from '../config/resources.js';
import type { ServerConfig } from '../config/server-config.js';
import type { OAuthError } from '../errors/oauth-error.js';
import { fromStoreError } from '../errors/store-error.js';
import type { RegistryStore, ScopeDefinition } from '../ports/registry.js';

/**
 * Where the scopes and resources in force come from: the operator's `registry` when the host gives one, else the
 * configuration. Every reader below costs a store read only with a registry, and the callers read only when a request
 * or a grant names a resource (RFC 8707 §2), so the common token request without `resource` reads nothing.
 */
export interface RegistryPorts {
  /** The scope and resource registry (`@grantor/store-memory` and `@grantor/store-sql` provide it). */
  readonly registry?: RegistryStore;
}

/** The RFC 8707 resources in force (one read of the registry, or the configuration). */
export const resourcesInForce = (config: ServerConfig, ports: RegistryPorts): TE.TaskEither<OAuthError, readonly ResourceServer[]> =>
  ports.registry === undefined
    ? TE.right(config.resources)
    : pipe(
        ports.registry.listResources(),
        TE.mapError(fromStoreError),
        // An empty registry is not in use (a store spread into the server without `seedRegistry`): the configuration holds.
        TE.map((listed) => (listed.length === 0 ? config.resources : listed)),
      );

/** The resources in force when `needed`, else none without reading anything. */
export const resourcesWhen = (config: ServerConfig, ports: RegistryPorts, needed: boolean): TE.TaskEither<OAuthError, readonly ResourceServer[]> =>
  needed ? resourcesInForce(config, ports) : TE.right([]);

/**
 * The scope definitions in force. Without a registry: `config.scopesSupported`, plus the scopes the configured
 * resources list, none of them described; every one but `openid` optional.
 */
export const scopesInForce = (config: ServerConfig, ports: RegistryPorts): TE.TaskEither<OAuthError, readonly ScopeDefinition[]> => {
  const configured = (): readonly ScopeDefinition[] =>
    [...new Set([...config.scopesSupported, ...config.resources.flatMap((r) => r.scopes)])].map((name) => ({ name, optional: name !== 'openid' }));
  return ports.registry === undefined
    ? TE.right(configured())
    : pipe(
        ports.registry.listScopes(),
        TE.mapError(fromStoreError),
        // An empty registry is not in use: the configuration holds (as for resources).
        TE.map((listed) => (listed.length === 0 ? configured() : listed)),
      );
};
