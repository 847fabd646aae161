import type { Kysely } from 'kysely';

/** A re-run after a half-applied migration meets the column: PostgreSQL 42701, MySQL 1060, SQLite "duplicate column". */
const duplicateColumn = (e: unknown): boolean => {
  const err = e as { code?: unknown; errno?: unknown; message?: unknown };
  return err.code === '42701' || err.errno === 1060 || /duplicate column/i.test(String(err.message));
};

/** Adds a nullable column, once: a column already there (a migration re-run after a crash) is not an error. */
export const addColumnOnce = async (db: Kysely<unknown>, table: string, column: string, type: 'text' | 'bigint' | 'varchar(255)'): Promise<void> => {
  await db.schema
    .alterTable(table)
    .addColumn(column, type)
    .execute()
    .catch((e: unknown) => {
      if (!duplicateColumn(e)) throw e;
    });
};
