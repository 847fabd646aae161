import type { Kysely } from 'kysely';
import type { Migration } from './types.js';

/** A re-run after a half-applied migration meets the column: PostgreSQL 42701, MySQL 1060, SQLite "duplicate column". */
const duplicateColumn = (e: unknown): boolean => {
  const err = e as { code?: unknown; errno?: unknown; message?: unknown };
  return err.code === '42701' || err.errno === 1060 || /duplicate column/i.test(String(err.message));
};

/**
 * RFC 8628 §3.1 with RFC 8707 §2: a nullable `resource` column on `grantor_device_codes` (the space-delimited
 * resources the device authorization request named; NULL when none) — the audiences the device code's tokens may have.
 */
export const m0011DeviceResource: Migration = {
  id: '0011_device_resource',
  up: async (db: Kysely<unknown>) => {
    await db.schema
      .alterTable('grantor_device_codes')
      .addColumn('resource', 'text')
      .execute()
      .catch((e: unknown) => {
        if (!duplicateColumn(e)) throw e;
      });
  },
};
