import * as TE from 'fp-ts/lib/TaskEither.js';
import { pipe } from 'fp-ts/lib/function.js';
import { scopeDifference } from '../domain/scope.js';
import { invalidRequest, type OAuthError } from '../errors/oauth-error.js';
import { fromStoreError } from '../errors/store-error.js';
import type { RegistryStore } from '../ports/registry.js';

/**
 * Refuses scopes the registry does not list: a resource (or a client) may only name registered scopes — once the
 * registry is in use (holds a scope); an empty registry checks nothing.
 */
export const requireRegisteredScopes = (registry: RegistryStore, scopes: readonly string[], what: string): TE.TaskEither<OAuthError, void> =>
  scopes.length === 0
    ? TE.right(undefined)
    : pipe(
        pipe(registry.listScopes(), TE.mapError(fromStoreError)),
        TE.flatMap((known) => {
          // An empty registry is not in use (nothing was registered or seeded): no subset rule then.
          const missing = known.length === 0 ? [] : scopeDifference(scopes, known.map((s) => s.name));
          return missing.length === 0 ? TE.right(undefined) : TE.left(invalidRequest(`${what} names scopes the scope registry does not list: ${missing.join(' ')} (add them first)`));
        }),
      );

