import type { TaskEither } from 'fp-ts/lib/TaskEither.js';
import type { ResourceServer } from '../config/resources.js';
import type { StoreError } from '../errors/store-error.js';

/**
 * One scope of the registry (RFC 6749 §3.3 scope token): what the consent page tells a person it lets an application
 * do, and whether the person may leave it out of what they grant.
 */
export interface ScopeDefinition {
  /** The scope token (RFC 6749 §3.3: %x21 / %x23-5B / %x5D-7E), case-sensitive. */
  readonly name: string;
  /** In words a person reads on the consent page; absent: the page shows the bare name. */
  readonly description?: string;
  /** True when a person may deselect it on the consent page (`openid` never is). */
  readonly optional: boolean;
}

/**
 * The scopes and protected resources (RFC 8707) an operator manages at runtime. With this port, the core consults it
 * at request time and `config.scopesSupported` / `config.resources` are only what a host seeds it with (see
 * `seedRegistry`); without it, the configuration is the registry. The core reads resources only for a request or
 * grant that names one, so a token request without `resource` costs no read.
 *
 * `add*` inserts only when the key is new (`false`: it exists, nothing changed), `replace*` changes only an existing
 * entry (`false`: none), `remove*` reports whether it existed. Lists are ordered by name / identifier. Each call is
 * one atomic store operation.
 */
export interface RegistryStore {
  readonly listScopes: () => TaskEither<StoreError, readonly ScopeDefinition[]>;
  readonly addScope: (scope: ScopeDefinition) => TaskEither<StoreError, boolean>;
  readonly replaceScope: (scope: ScopeDefinition) => TaskEither<StoreError, boolean>;
  readonly removeScope: (name: string) => TaskEither<StoreError, boolean>;
  readonly listResources: () => TaskEither<StoreError, readonly ResourceServer[]>;
  readonly addResource: (resource: ResourceServer) => TaskEither<StoreError, boolean>;
  readonly replaceResource: (resource: ResourceServer) => TaskEither<StoreError, boolean>;
  readonly removeResource: (identifier: string) => TaskEither<StoreError, boolean>;
}
