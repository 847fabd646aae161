import * as TE from 'fp-ts/lib/TaskEither.js';
import type { ResourceServer } from '../config/resources.js';
import type { RegistryStore, ScopeDefinition } from '../ports/registry.js';

/** An in-memory registry that counts its reads (to prove which requests read nothing). */
export const countingRegistry = (scopes: readonly ScopeDefinition[] = [], resources: readonly ResourceServer[] = []): RegistryStore & { readonly reads: () => number } => {
  const s = new Map(scopes.map((x) => [x.name, x]));
  const r = new Map(resources.map((x) => [x.identifier, x]));
  let reads = 0;
  const sorted = <A>(m: Map<string, A>) => [...m.entries()].sort(([a], [b]) => (a < b ? -1 : 1)).map(([, v]) => v);
  const add = <A>(m: Map<string, A>, k: string, v: A) => TE.right(m.has(k) ? false : (m.set(k, v), true));
  const replace = <A>(m: Map<string, A>, k: string, v: A) => TE.right(m.has(k) ? (m.set(k, v), true) : false);
  return {
    reads: () => reads,
    listScopes: () => TE.fromIO(() => (reads++, sorted(s))),
    addScope: (x) => add(s, x.name, x),
    replaceScope: (x) => replace(s, x.name, x),
    removeScope: (n) => TE.right(s.delete(n)),
    listResources: () => TE.fromIO(() => (reads++, sorted(r))),
    addResource: (x) => add(r, x.identifier, x),
    replaceResource: (x) => replace(r, x.identifier, x),
    removeResource: (i) => TE.right(r.delete(i)),
  };
};
