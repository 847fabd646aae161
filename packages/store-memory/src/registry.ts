import type { RegistryStore, ResourceServer, ScopeDefinition } from '@grantor/core';
import { atomically } from './compact.js';

const byKey = <A>(key: (a: A) => string) => (a: A, b: A): number => (key(a) < key(b) ? -1 : key(a) > key(b) ? 1 : 0);

/** One keyed table of the registry: add only when new, replace only when present. */
const entries = <A>(key: (a: A) => string) => {
  const rows = new Map<string, A>();
  return {
    list: () => atomically(() => [...rows.values()].sort(byKey(key))),
    add: (a: A) =>
      atomically(() => {
        if (rows.has(key(a))) return false;
        rows.set(key(a), a);
        return true;
      }),
    replace: (a: A) =>
      atomically(() => {
        if (!rows.has(key(a))) return false;
        rows.set(key(a), a);
        return true;
      }),
    remove: (k: string) => atomically(() => rows.delete(k)),
  };
};

/**
 * The scope and resource registry in memory (lost on restart: a host seeds it from its configuration at start).
 * Entries are frozen copies, so a caller's later change to an object it passed in never reaches the store.
 */
export const memoryRegistryStore = (): RegistryStore => {
  const scopes = entries<ScopeDefinition>((s) => s.name);
  const resources = entries<ResourceServer>((r) => r.identifier);
  const scopeCopy = (s: ScopeDefinition): ScopeDefinition => Object.freeze({ ...s });
  const resourceCopy = (r: ResourceServer): ResourceServer => Object.freeze({ ...r, scopes: Object.freeze([...r.scopes]), clientIds: Object.freeze([...r.clientIds]) });
  return {
    listScopes: scopes.list,
    addScope: (s) => scopes.add(scopeCopy(s)),
    replaceScope: (s) => scopes.replace(scopeCopy(s)),
    removeScope: scopes.remove,
    listResources: resources.list,
    addResource: (r) => resources.add(resourceCopy(r)),
    replaceResource: (r) => resources.replace(resourceCopy(r)),
    removeResource: resources.remove,
  };
};
