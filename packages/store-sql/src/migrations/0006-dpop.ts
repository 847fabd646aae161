import type { Kysely } from 'kysely';
import type { Migration } from './types.js';

/**
 * `grantor_refresh_tokens.dpop_jkt`: the RFC 7638 thumbprint of the DPoP key a public client's refresh token is bound
 * to (RFC 9449 §5); NULL for unbound tokens (every row written before this migration).
 */
export const m0006Dpop: Migration = {
  id: '0006_dpop',
  up: async (db: Kysely<unknown>) => {
    // A re-run after a half-applied migration meets the column: PostgreSQL 42701, MySQL 1060, SQLite "duplicate column".
    await db.schema
      .alterTable('grantor_refresh_tokens')
      .addColumn('dpop_jkt', 'varchar(255)')
      .execute()
      .catch((e: unknown) => {
        const err = e as { code?: unknown; errno?: unknown; message?: unknown };
        if (err.code === '42701' || err.errno === 1060 || /duplicate column/i.test(String(err.message))) return;
        throw e;
      });
  },
};
