import type { TaskEither } from 'fp-ts/lib/TaskEither.js';
import type { ClientSecretJwtKeys } from '../client-auth/authenticate.js';
import type { StoreError } from '../errors/store-error.js';

/**
 * The store side of the `clientSecretJwtKeys` port: keeps the shared secret of `client_secret_jwt` clients in a
 * recoverable form, because RFC 7523 §2.2 with an HMAC algorithm (OIDC Core §9) verifies the assertion with the
 * secret itself — a hash is not enough. `secretFor` answers `None` for a client registered with any other method.
 *
 * This is why `client_secret_jwt` is discouraged: a store that can recover the secret can leak it (prefer
 * `private_key_jwt`). `@grantor/store-sql` seals the secret with its `privateKeySealer` when one is configured and
 * otherwise stores it in clear; `@grantor/store-memory` keeps it in the process.
 */
export interface ClientSecretJwtKeyStore extends ClientSecretJwtKeys {
  /** Keeps (or replaces) the secret of a client registered with `token_endpoint_auth_method=client_secret_jwt`. */
  readonly save: (clientId: string, secret: string) => TaskEither<StoreError, void>;
  /** Forgets the secret of a client (no-op when there is none). */
  readonly remove: (clientId: string) => TaskEither<StoreError, void>;
}
