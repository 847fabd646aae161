import type { Kysely } from 'kysely';
import type { TaskEither } from 'fp-ts/lib/TaskEither.js';
import type { StoreError } from '@grantor/core';
import type { ClientCache } from './client-cache.js';
import type { SqlDialect } from './dialect.js';
import type { StatementRuntime } from './prepared.js';
import type { GrantorDatabase } from './schema.js';

/** What every port implementation is built from. */
export interface SqlContext {
  readonly db: Kysely<GrantorDatabase>;
  readonly dialect: SqlDialect;
  /** Where compiled-once statements run (see `prepared.ts`). */
  readonly statements: StatementRuntime;
  /** Clients (and `client_secret_jwt` secrets) read recently, invalidated by every write through this store. */
  readonly clientCache: ClientCache;
  /** Runs one operation: faults become `StoreError` values, serialization failures are retried, time is bounded. */
  readonly run: <A>(operation: string, f: () => Promise<A>) => TaskEither<StoreError, A>;
  /** One transaction on one connection (`BEGIN IMMEDIATE` on SQLite). */
  readonly transaction: <A>(f: (trx: Kysely<GrantorDatabase>) => Promise<A>) => Promise<A>;
  readonly sweepBatchSize: number;
  readonly sweepMaxBatches: number;
}

/** `SELECT … FOR UPDATE` where the dialect has it (SQLite relies on `BEGIN IMMEDIATE` instead). */
export const lockRows = <Q extends { forUpdate: () => Q }>(dialect: SqlDialect, q: Q): Q => (dialect === 'sqlite' ? q : q.forUpdate());

export const updated = (r: { readonly numUpdatedRows: bigint }): boolean => r.numUpdatedRows > 0n;
