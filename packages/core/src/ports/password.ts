import type { Option } from 'fp-ts/lib/Option.js';
import type { TaskEither } from 'fp-ts/lib/TaskEither.js';
import type { StoreError } from '../errors/store-error.js';

/**
 * Checks an end user's username and password for the legacy `password` grant (RFC 6749 §4.3). The host implements
 * it over its user store with a slow password hash (argon2id); the core never sees, hashes or stores a password.
 * `Some({ subject })` when the credentials are right, `None` when they are not (unknown user or wrong password
 * alike, so the two are indistinguishable to the client).
 */
export interface PasswordVerifier {
  readonly verify: (username: string, password: string) => TaskEither<StoreError, Option<{ readonly subject: string }>>;
}

/**
 * Counts login attempts per key (`username:<name>`, `ip:<address>`) for the `password` grant. `hit` records one
 * attempt at `now` (epoch seconds) and says whether it is still within the limit; atomic per key.
 * `@grantor/store-memory` has `createMemoryLoginThrottle` (fixed window).
 */
export interface LoginThrottle {
  readonly hit: (key: string, now: number) => TaskEither<StoreError, { readonly allowed: boolean }>;
}
