import type { Kysely } from 'kysely';
import { addColumnOnce } from './add-column.js';
import type { Migration } from './types.js';

/**
 * `last_used_at` on `grantor_access_tokens`: when the token was last accepted (bearer check, introspection), written in
 * coalesced batches by the usage tracking (`TokenUsageStore`); NULL until the first recorded use.
 */
export const m0013TokenLastUsed: Migration = {
  id: '0013_token_last_used',
  up: async (db: Kysely<unknown>) => {
    await addColumnOnce(db, 'grantor_access_tokens', 'last_used_at', 'bigint');
  },
};
