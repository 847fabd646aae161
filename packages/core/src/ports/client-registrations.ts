import type { TaskEither } from 'fp-ts/lib/TaskEither.js';
import type { Client } from '../domain/client.js';
import type { StoreError } from '../errors/store-error.js';

/**
 * What RFC 7591 / RFC 7592 dynamic registration needs from a store besides `ClientStore` (which saves and finds):
 * deleting a client (RFC 7592 §2.3) and listing the registered ones (so an administrator can review and purge them).
 */
export interface RegisteredClientStore {
  /** Deletes the client (and anything kept for it, such as a `client_secret_jwt` key); `true` when it existed. */
  readonly remove: (clientId: string) => TaskEither<StoreError, boolean>;
  /** Every client that has a `registration` (registered through the endpoint), in no particular order. */
  readonly listRegistered: () => TaskEither<StoreError, readonly Client[]>;
}
