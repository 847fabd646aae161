import type { TaskEither } from 'fp-ts/lib/TaskEither.js';
import type { PublicJwk } from '../domain/client.js';
import type { StoreError } from '../errors/store-error.js';

/** Options of one {@link JwksFetcher} call. */
export interface JwksFetchOptions {
  /**
   * Bypass any cache and fetch the document again (key rollover: an assertion names a `kid` the cached set lacks).
   * An implementation may still rate-limit such refetches per URI.
   */
  readonly refresh?: boolean;
}

/**
 * Fetches a client's JWK Set from its registered `jwks_uri` (RFC 7591 §2, RFC 7517 §5), for `private_key_jwt`
 * client authentication (RFC 7523 §2.2) and the JWT bearer grant (RFC 7523 §2.1). Implementations cache, bound the
 * time and size of a fetch, and report failures as `StoreError` values (`transient` for a timeout, a network failure
 * or a 5xx answer), never throwing. The core drops private members (`d`, ...) and symmetric keys from what it gets.
 * `@grantor/node` has `httpJwksFetcher`.
 */
export interface JwksFetcher {
  readonly fetch: (uri: string, options?: JwksFetchOptions) => TaskEither<StoreError, { readonly keys: readonly PublicJwk[] }>;
}
