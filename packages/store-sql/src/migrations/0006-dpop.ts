import type { Kysely } from 'kysely';
import { addColumnOnce } from './add-column.js';
import type { Migration } from './types.js';

/**
 * `grantor_refresh_tokens.dpop_jkt`: the RFC 7638 thumbprint of the DPoP key a public client's refresh token is bound
 * to (RFC 9449 §5); NULL for unbound tokens (every row written before this migration).
 */
export const m0006Dpop: Migration = {
  id: '0006_dpop',
  up: async (db: Kysely<unknown>) => {
    await addColumnOnce(db, 'grantor_refresh_tokens', 'dpop_jkt', 'varchar(255)');
  },
};
