import type { TaskEither } from 'fp-ts/lib/TaskEither.js';
import type { StoreError } from '../errors/store-error.js';

/** One use of an access token: its stored id (the SHA-256 of an opaque token, or a JWT's `jti`) and when (epoch seconds). */
export interface TokenUse {
  readonly id: string;
  readonly at: number;
}

/**
 * Where the core reports that an access token was used — accepted by the bearer check (userinfo, a resource server's
 * middleware in process) or found active by introspection. A sink, like the logger: it must return at once and never
 * throw; a host coalesces the uses and writes them in batches (`coalescedTokenUsage` in `@grantor/node`), never one
 * store write per request.
 */
export interface TokenUsageSink {
  readonly used: (use: TokenUse) => void;
}

/**
 * The store side of usage tracking: records a batch of uses, each token's `lastUsedAt` moving only forward (an older
 * use never overwrites a newer one); ids of tokens the store does not have are ignored. Returns how many tokens changed.
 */
export interface TokenUsageStore {
  readonly recordUses: (uses: readonly TokenUse[]) => TaskEither<StoreError, number>;
}
