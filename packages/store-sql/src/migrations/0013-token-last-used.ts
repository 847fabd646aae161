import type { Kysely } from 'kysely';
import type { Migration } from './types.js';

/** A re-run after a half-applied migration meets the column: PostgreSQL 42701, MySQL 1060, SQLite "duplicate column". */
const duplicateColumn = (e: unknown): boolean => {
  const err = e as { code?: unknown; errno?: unknown; message?: unknown };
  return err.code === '42701' || err.errno === 1060 || /duplicate column/i.test(String(err.message));
};

/**
 * `last_used_at` on `grantor_access_tokens`: when the token was last accepted (bearer check, introspection), written in
 * coalesced batches by the usage tracking (`TokenUsageStore`); NULL until the first recorded use.
 */
export const m0013TokenLastUsed: Migration = {
  id: '0013_token_last_used',
  up: async (db: Kysely<unknown>) => {
    await db.schema
      .alterTable('grantor_access_tokens')
      .addColumn('last_used_at', 'bigint')
      .execute()
      .catch((e: unknown) => {
        if (!duplicateColumn(e)) throw e;
      });
  },
};
