import type { Kysely } from 'kysely';
import type { Migration } from './types.js';

/** A re-run after a half-applied migration meets the column: PostgreSQL 42701, MySQL 1060, SQLite "duplicate column". */
const duplicateColumn = (e: unknown): boolean => {
  const err = e as { code?: unknown; errno?: unknown; message?: unknown };
  return err.code === '42701' || err.errno === 1060 || /duplicate column/i.test(String(err.message));
};

/**
 * `dpop_jkt` on `grantor_interactions` and `grantor_authorization_codes`: the RFC 7638 thumbprint an authorization
 * request bound its code to (RFC 9449 §10 `dpop_jkt`, or a DPoP proof at PAR); NULL for unbound requests and codes.
 */
export const m0010DpopJkt: Migration = {
  id: '0010_dpop_jkt',
  up: async (db: Kysely<unknown>) => {
    for (const table of ['grantor_interactions', 'grantor_authorization_codes']) {
      await db.schema
        .alterTable(table)
        .addColumn('dpop_jkt', 'varchar(255)')
        .execute()
        .catch((e: unknown) => {
          if (!duplicateColumn(e)) throw e;
        });
    }
  },
};
