import type { Client } from '../domain/client.js';
import type { ConsentRecord } from '../domain/records.js';
import type * as TE from 'fp-ts/lib/TaskEither.js';
import type { ResourceServer } from '../config/resources.js';
import { invalidRequest, type OAuthError } from '../errors/oauth-error.js';
import type { RegistryStore, ScopeDefinition } from '../ports/registry.js';
import { registryAdmin } from './registry-admin.js';
import { fromStoreError } from '../errors/store-error.js';
import type { ActiveTokenCounts, ClientQuery, ConsentQuery, OwnerFilter, Page, TokenKind } from '../ports/admin.js';
import type { KeyStore } from '../ports/keys.js';
import { clientAdmin, type GeneratedKeyPair, type KeyPairOptions, type RotatedSecret, type RotateSecretOptions } from './client-admin.js';
import { clientRegistry, type ClientRegistryPorts, type RegisteredClient } from './client-registry.js';
import type { KeyRotationApi } from './key-rotation.js';
import { purgeRegistered, type PurgeRegisteredOptions, type PurgeReport } from './registered-client-purge.js';
import { settle, type Settled } from './settle.js';
import { signingKeyAdmin, type RetireOptions, type SigningKeyInfo } from './signing-key-admin.js';
import { tokenAdmin, type TokenAdminPorts, type TokenFilter, type TokenSummary } from './token-admin.js';

/**
 * Everything the operator's faces (admin HTTP API, CLI, console) work over: the stores (`@grantor/store-memory` and
 * `@grantor/store-sql` provide `admin`), the runtime, and optionally the signing-key store and the server's signer
 * operations (`AuthorizationServer.keys`).
 */
export type AdminPorts = ClientRegistryPorts &
  TokenAdminPorts & {
    readonly keys?: KeyStore;
    readonly rotation?: KeyRotationApi;
    /** The scope and resource registry (absent: its operations answer `invalid_request`). */
    readonly registry?: RegistryStore;
  };

/**
 * The operator's operations, one set for every face. Every Promise settles as `Done` or `Failed` and never rejects:
 * an unknown id is `not_found`, bad input `invalid_request` (naming the member), a store fault `server_error` /
 * `temporarily_unavailable`. Generated secrets and private keys are returned once and never stored.
 */
export interface AdminOperations {
  readonly clients: {
    readonly create: (metadata: unknown) => Promise<Settled<RegisteredClient>>;
    readonly get: (clientId: string) => Promise<Settled<Client>>;
    readonly update: (clientId: string, changes: unknown) => Promise<Settled<RegisteredClient>>;
    readonly setDisabled: (clientId: string, disabled: boolean) => Promise<Settled<Client>>;
    readonly remove: (clientId: string) => Promise<Settled<void>>;
    readonly list: (query: ClientQuery) => Promise<Settled<Page<Client>>>;
    /** Deletes dynamically registered (RFC 7591) clients registered long enough ago and, optionally, unused. */
    readonly purgeRegistered: (options: PurgeRegisteredOptions) => Promise<Settled<PurgeReport>>;
    readonly rotateSecret: (clientId: string, options?: RotateSecretOptions) => Promise<Settled<RotatedSecret>>;
    readonly generateKeyPair: (clientId: string, options: KeyPairOptions) => Promise<Settled<GeneratedKeyPair>>;
  };
  readonly tokens: {
    readonly list: (filter: TokenFilter) => Promise<Settled<Page<TokenSummary>>>;
    readonly revoke: (kind: TokenKind, id: string) => Promise<Settled<void>>;
    readonly revokeGrant: (grantId: string) => Promise<Settled<void>>;
    /** Active access and refresh tokens now (one count per table). */
    readonly countActive: () => Promise<Settled<ActiveTokenCounts>>;
    /** Every token of a client, a subject, or a subject at a client; `Done` with the number revoked. */
    readonly revokeOf: (owner: OwnerFilter) => Promise<Settled<number>>;
  };
  readonly consents: {
    readonly list: (query: ConsentQuery) => Promise<Settled<Page<ConsentRecord>>>;
    readonly revoke: (owner: OwnerFilter) => Promise<Settled<number>>;
  };
  /** The scope registry (RFC 6749 §3.3): the words the consent page shows, and which scopes a person may deselect. */
  readonly scopes: RegistryEntryOperations<ScopeDefinition>;
  /** The RFC 8707 resource registry: audiences, their scopes, token format and lifetime, introspecting clients. */
  readonly resources: RegistryEntryOperations<ResourceServer>;
  readonly keys: {
    readonly list: () => Promise<Settled<readonly SigningKeyInfo[]>>;
    /** Rotation (next → active → retired, RFC 7517 key rollover) of the server's signer. */
    readonly rotate: () => Promise<Settled<readonly SigningKeyInfo[]>>;
    readonly retire: (kid: string, options?: RetireOptions) => Promise<Settled<void>>;
  };
}

/** Create, update (members laid over the entry), remove and list entries of the registry, in their wire form as input. */
export interface RegistryEntryOperations<A> {
  readonly list: () => Promise<Settled<readonly A[]>>;
  readonly create: (input: unknown) => Promise<Settled<A>>;
  readonly update: (key: string, changes: unknown) => Promise<Settled<A>>;
  readonly remove: (key: string) => Promise<Settled<void>>;
}

const unavailableEntries = <A>(): RegistryEntryOperations<A> => ({
  list: () => unavailable('The scope and resource registry'),
  create: () => unavailable('The scope and resource registry'),
  update: () => unavailable('The scope and resource registry'),
  remove: () => unavailable('The scope and resource registry'),
});

interface EntryTasks<A> {
  readonly list: () => TE.TaskEither<OAuthError, readonly A[]>;
  readonly create: (input: unknown) => TE.TaskEither<OAuthError, A>;
  readonly update: (key: string, changes: unknown) => TE.TaskEither<OAuthError, A>;
  readonly remove: (key: string) => TE.TaskEither<OAuthError, void>;
}

const entryOperations = <A>(ops: EntryTasks<A>): RegistryEntryOperations<A> => ({
  list: () => settle(ops.list()),
  create: (input) => settle(ops.create(input)),
  update: (key, changes) => settle(ops.update(key, changes)),
  remove: (key) => settle(ops.remove(key)),
});

const unavailable = <A>(what: string): Promise<Settled<A>> => Promise.resolve({ _tag: 'Failed', error: invalidRequest(`${what} is not available on this server.`) });

/** Binds the operator's operations to one ports object. */
export const adminOperations = (ports: AdminPorts): AdminOperations => {
  const registry = clientRegistry(ports);
  const secrets = clientAdmin(ports);
  const tokens = tokenAdmin(ports);
  const keyStore = ports.keys;
  const registryOps = ports.registry === undefined ? undefined : registryAdmin({ registry: ports.registry, admin: ports.admin });
  const keys = keyStore === undefined ? undefined : signingKeyAdmin({ keys: keyStore, clock: ports.clock, ...(ports.rotation === undefined ? {} : { rotation: ports.rotation }) });
  return {
    clients: {
      create: (metadata) => settle(registry.create(metadata)),
      get: (clientId) => settle(registry.find(clientId)),
      update: (clientId, changes) => settle(registry.update(clientId, changes)),
      setDisabled: (clientId, disabled) => settle(registry.setDisabled(clientId, disabled)),
      remove: (clientId) => settle(registry.remove(clientId)),
      list: (query) => settle(registry.list(query)),
      purgeRegistered: (options) => settle(purgeRegistered(ports)(options)),
      rotateSecret: (clientId, options) => secrets.rotateClientSecret(clientId, options),
      generateKeyPair: (clientId, options) => secrets.generateClientKeyPair(clientId, options),
    },
    tokens: {
      list: (filter) => settle(tokens.list(filter)),
      revoke: (kind, id) => settle(tokens.revoke(kind, id)),
      revokeGrant: (grantId) => settle(tokens.revokeGrant(grantId)),
      countActive: () => settle(tokens.countActive()),
      revokeOf: (owner) => settle(tokens.revokeOf(owner)),
    },
    consents: {
      list: (query) => settle(tokens.listConsents(query)),
      revoke: (owner) => settle(tokens.revokeConsents(owner)),
    },
    scopes: registryOps === undefined ? unavailableEntries() : entryOperations<ScopeDefinition>(registryOps.scopes),
    resources: registryOps === undefined ? unavailableEntries() : entryOperations<ResourceServer>(registryOps.resources),
    keys: {
      list: () => (keys === undefined ? unavailable('Key listing') : settle(keys.list())),
      rotate: async () => {
        if (ports.rotation === undefined || keys === undefined) return unavailable('Key rotation');
        const rotated = await ports.rotation.rotate();
        return rotated._tag === 'Failed' ? { _tag: 'Failed', error: fromStoreError(rotated.error) } : settle(keys.list());
      },
      retire: (kid, options) => (keys === undefined ? unavailable('Key retirement') : settle(keys.retire(kid, options))),
    },
  };
};
