import * as E from 'fp-ts/lib/Either.js';
import * as TE from 'fp-ts/lib/TaskEither.js';
import { pipe } from 'fp-ts/lib/function.js';
import { decodeResourceServer, decodeScopeDefinition } from '../codec/registry-entries.js';
import type { ResourceServer } from '../config/resources.js';
import type { Client } from '../domain/client.js';
import { invalidRequest, type OAuthError } from '../errors/oauth-error.js';
import { fromStoreError, type StoreError } from '../errors/store-error.js';
import type { AdminStore } from '../ports/admin.js';
import type { RegistryStore, ScopeDefinition } from '../ports/registry.js';
import { notFound } from './client-registry.js';
import { requireRegisteredScopes } from './registry-scopes.js';

/** What the registry's operations work over: the registry, and the admin store (to check which clients use a scope). */
export interface RegistryAdminPorts {
  readonly registry: RegistryStore;
  readonly admin: AdminStore;
}

const store = <A>(te: TE.TaskEither<StoreError, A>): TE.TaskEither<OAuthError, A> => pipe(te, TE.mapError(fromStoreError));
const invalid = (message: string): OAuthError => invalidRequest(message, message);
const decoded = <A>(e: E.Either<string, A>): TE.TaskEither<OAuthError, A> => TE.fromEither(E.mapLeft(invalid)(e));

/** Every client that has `scope`, read page by page (admin operations only: never on a protocol path). */
const clientsWithScope = (admin: AdminStore, scope: string): TE.TaskEither<OAuthError, readonly string[]> => {
  const page = (cursor: string | undefined, found: readonly string[]): TE.TaskEither<OAuthError, readonly string[]> =>
    pipe(
      store(admin.listClients({ limit: 200, ...(cursor === undefined ? {} : { cursor }) })),
      TE.flatMap((p) => {
        const more = [...found, ...p.items.filter((c: Client) => c.scope.includes(scope)).map((c) => c.clientId)];
        return p.next === undefined || more.length >= 5 ? TE.right(more) : page(p.next, more);
      }),
    );
  return page(undefined, []);
};

const findScope = (registry: RegistryStore, name: string): TE.TaskEither<OAuthError, ScopeDefinition> =>
  pipe(
    store(registry.listScopes()),
    TE.flatMap((all) => {
      const found = all.find((s) => s.name === name);
      return found === undefined ? TE.left(notFound('scope', name)) : TE.right(found);
    }),
  );

const findResource = (registry: RegistryStore, identifier: string): TE.TaskEither<OAuthError, ResourceServer> =>
  pipe(
    store(registry.listResources()),
    TE.flatMap((all) => {
      const found = all.find((r) => r.identifier === identifier);
      return found === undefined ? TE.left(notFound('resource', identifier)) : TE.right(found);
    }),
  );

/**
 * The scope registry's operations (RFC 6749 §3.3 scopes with the words the consent page shows). A scope still used
 * by a resource or a client cannot be removed (the client's scopes stay a subset of the registry's).
 */
const scopeOperations = ({ registry, admin }: RegistryAdminPorts) => ({
  list: () => store(registry.listScopes()),
  create: (input: unknown): TE.TaskEither<OAuthError, ScopeDefinition> =>
    pipe(
      decoded(decodeScopeDefinition(input)),
      TE.tap((scope) => pipe(store(registry.addScope(scope)), TE.filterOrElse((added) => added, () => invalid(`the scope ${scope.name} already exists`)))),
    ),
  update: (name: string, changes: unknown): TE.TaskEither<OAuthError, ScopeDefinition> =>
    pipe(
      findScope(registry, name),
      TE.flatMap((base) => decoded(decodeScopeDefinition(changes, base))),
      TE.tap((scope) => pipe(store(registry.replaceScope(scope)), TE.filterOrElse((replaced) => replaced, () => notFound('scope', name)))),
    ),
  remove: (name: string): TE.TaskEither<OAuthError, void> =>
    pipe(
      store(registry.listResources()),
      TE.flatMap((resources) => {
        const users = resources.filter((r) => r.scopes.includes(name)).map((r) => r.identifier);
        return users.length === 0 ? TE.right(undefined) : TE.left(invalid(`the scope ${name} is listed by resources: ${users.join(' ')} (change them first)`));
      }),
      TE.flatMap(() => clientsWithScope(admin, name)),
      TE.flatMap((clients) => (clients.length === 0 ? TE.right(undefined) : TE.left(invalid(`the scope ${name} is used by clients: ${clients.join(' ')} (change them first)`)))),
      TE.flatMap(() => store(registry.removeScope(name))),
      TE.flatMap((removed) => (removed ? TE.right(undefined) : TE.left(notFound('scope', name)))),
    ),
});

/** The RFC 8707 resource registry's operations: a resource's scopes must be registered scopes. */
const resourceOperations = ({ registry }: RegistryAdminPorts) => ({
  list: () => store(registry.listResources()),
  create: (input: unknown): TE.TaskEither<OAuthError, ResourceServer> =>
    pipe(
      decoded(decodeResourceServer(input)),
      TE.tap((r) => requireRegisteredScopes(registry, r.scopes, 'The resource')),
      TE.tap((r) => pipe(store(registry.addResource(r)), TE.filterOrElse((added) => added, () => invalid(`the resource ${r.identifier} already exists`)))),
    ),
  update: (identifier: string, changes: unknown): TE.TaskEither<OAuthError, ResourceServer> =>
    pipe(
      findResource(registry, identifier),
      TE.flatMap((base) => decoded(decodeResourceServer(changes, base))),
      TE.tap((r) => requireRegisteredScopes(registry, r.scopes, 'The resource')),
      TE.tap((r) => pipe(store(registry.replaceResource(r)), TE.filterOrElse((replaced) => replaced, () => notFound('resource', identifier)))),
    ),
  remove: (identifier: string): TE.TaskEither<OAuthError, void> =>
    pipe(
      store(registry.removeResource(identifier)),
      TE.flatMap((removed) => (removed ? TE.right(undefined) : TE.left(notFound('resource', identifier)))),
    ),
});

/** The scope and resource registry's operations as `TaskEither`s (bound to settled Promises by `adminOperations`). */
export const registryAdmin = (ports: RegistryAdminPorts) => ({ scopes: scopeOperations(ports), resources: resourceOperations(ports) });

/** What a host seeds the registry with (its configuration, its seed file). */
export interface RegistrySeed {
  readonly scopes: readonly ScopeDefinition[];
  readonly resources: readonly ResourceServer[];
}

/**
 * Adds the seed's scopes and resources the registry does not have yet, never changing one it has (an operator's
 * change survives a restart); with `overwrite`, the seed's version replaces the stored one. Returns how many entries
 * were written.
 */
export const seedRegistry = (registry: RegistryStore, seed: RegistrySeed, overwrite = false): TE.TaskEither<StoreError, number> => {
  const write = <A>(entries: readonly A[], add: (a: A) => TE.TaskEither<StoreError, boolean>, replace: (a: A) => TE.TaskEither<StoreError, boolean>) =>
    pipe(
      entries,
      TE.traverseSeqArray((entry) => pipe(add(entry), TE.flatMap((added) => (added || !overwrite ? TE.right(added) : replace(entry))))),
      TE.map((written) => written.filter(Boolean).length),
    );
  return pipe(
    write(seed.scopes, registry.addScope, registry.replaceScope),
    TE.flatMap((scopes) => pipe(write(seed.resources, registry.addResource, registry.replaceResource), TE.map((resources) => scopes + resources))),
  );
};
