import type { Kysely } from 'kysely';
import type { Migration } from './types.js';

/**
 * `grantor_users.is_admin`: 1 for accounts that may sign in to the admin console, 0 (every row written before this
 * migration) for the others.
 */
export const m0009UserAdmin: Migration = {
  id: '0009_user_admin',
  up: async (db: Kysely<unknown>) => {
    // A re-run after a half-applied migration meets the column: PostgreSQL 42701, MySQL 1060, SQLite "duplicate column".
    await db.schema
      .alterTable('grantor_users')
      .addColumn('is_admin', 'integer', (c) => c.notNull().defaultTo(0))
      .execute()
      .catch((e: unknown) => {
        const err = e as { code?: unknown; errno?: unknown; message?: unknown };
        if (err.code === '42701' || err.errno === 1060 || /duplicate column/i.test(String(err.message))) return;
        throw e;
      });
  },
};
