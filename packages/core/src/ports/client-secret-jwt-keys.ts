import type { TaskEither } from 'fp-ts/lib/TaskEither.js';
import type { Option } from 'fp-ts/lib/Option.js';
import type { Client } from '../domain/client.js';
import type { StoreError } from '../errors/store-error.js';

/**
 * `client_secret_jwt` (RFC 7523 §2.2 with an HMAC key) needs the client's secret in clear, which Grantor never
 * stores (only SHA-256 hashes). A host that wants `client_secret_jwt` provides this port (e.g. from a vault); without
 * it, `client_secret_jwt` clients always get `invalid_client`. `@grantor/store-memory` and `@grantor/store-sql` provide
 * it as `store.clientSecretJwtKeys` (a `ClientSecretJwtKeyStore`, `ports/client-secret-jwt-keys.ts`).
 */
export interface ClientSecretJwtKeys {
  readonly secretFor: (client: Client) => TaskEither<StoreError, Option<string>>;
}

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
