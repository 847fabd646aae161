import type { TaskEither } from 'fp-ts/lib/TaskEither.js';
import type { StoreError } from '../errors/store-error.js';

/** The answer to one counted attempt: within the limits, or refused until `retryAfterSeconds` have passed. */
export type AttemptVerdict = { readonly _tag: 'Allowed' } | { readonly _tag: 'Refused'; readonly retryAfterSeconds: number };

/**
 * RFC 6749 §2.3.1: "the authorization server MUST protect any endpoint utilizing it against brute force attacks".
 * Counts client authentication attempts per client id and per client address. The core calls `attempt` BEFORE it
 * checks the credentials (so parallel guesses meet the limit, not a count that trails behind them) and `succeeded`
 * after they matched, so only failures accumulate. Counters live with the host (memory, Redis, SQL): the core stays
 * pure. Optional: without it client authentication is not throttled.
 */
export interface ClientAuthThrottle {
  /** Counts one attempt of `clientId` from `address` (the request's remote address, when the adapter knows it). */
  readonly attempt: (clientId: string, address: string | undefined) => TaskEither<StoreError, AttemptVerdict>;
  /** Takes the attempt back: the credentials were right. */
  readonly succeeded: (clientId: string, address: string | undefined) => TaskEither<StoreError, void>;
}
