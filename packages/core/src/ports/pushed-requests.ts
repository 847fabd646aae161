import type { TaskEither } from 'fp-ts/lib/TaskEither.js';
import type { PushedRequestRecord } from '../domain/pushed-request.js';
import type { StoreError } from '../errors/store-error.js';
import type { ConsumeOutcome } from './stores.js';

/**
 * RFC 9126 pushed authorization requests. Used by the pushed authorization request endpoint (save) and the
 * authorization endpoint (use). Optional: without it the PAR endpoint is not mounted.
 */
export interface PushedRequestStore {
  readonly save: (record: PushedRequestRecord) => TaskEither<StoreError, void>;
  /**
   * Atomically sets `usedAt = now` when it is unset and returns the record as it was before (RFC 9126 §4: a
   * `request_uri` is used once). Expiry and the client binding are judged by the core from the returned record.
   */
  readonly use: (requestUriHash: string, now: number) => TaskEither<StoreError, ConsumeOutcome<PushedRequestRecord>>;
}
