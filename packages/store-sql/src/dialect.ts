import { MysqlAdapter, PostgresAdapter, SqliteAdapter, sql, type Kysely } from 'kysely';

/** The SQL dialects the store speaks. MariaDB is `mysql`. */
export type SqlDialect = 'postgres' | 'mysql' | 'sqlite';

/** Infers the dialect of a Kysely instance from its adapter; `undefined` for a dialect the store does not know. */
export const detectDialect = <DB>(db: Kysely<DB>): SqlDialect | undefined => {
  const adapter = db.getExecutor().adapter;
  if (adapter instanceof PostgresAdapter) return 'postgres';
  if (adapter instanceof MysqlAdapter) return 'mysql';
  if (adapter instanceof SqliteAdapter) return 'sqlite';
  return undefined;
};

export const requireDialect = <DB>(db: Kysely<DB>, explicit?: SqlDialect): SqlDialect => {
  const dialect = explicit ?? detectDialect(db);
  if (dialect === undefined) {
    throw new TypeError('@grantor/store-sql: cannot infer the SQL dialect of this Kysely instance; pass `dialect: "postgres" | "mysql" | "sqlite"`.');
  }
  return dialect;
};

/**
 * Runs `f` in one transaction on one connection. On SQLite the transaction is `BEGIN IMMEDIATE`: the write lock is
 * taken up front, so a read inside the transaction cannot be invalidated by another process before the write.
 * On PostgreSQL and MySQL the callers take row locks (`SELECT … FOR UPDATE`) or decide with conditional updates.
 */
export const inTransaction = <DB, A>(db: Kysely<DB>, dialect: SqlDialect, f: (trx: Kysely<DB>) => Promise<A>): Promise<A> =>
  db.connection().execute(async (conn) => {
    await sql.raw(dialect === 'sqlite' ? 'begin immediate' : 'begin').execute(conn);
    let result: A;
    try {
      result = await f(conn);
    } catch (e) {
      await sql.raw('rollback').execute(conn).catch(() => undefined);
      throw e;
    }
    try {
      await sql.raw('commit').execute(conn);
    } catch (e) {
      await sql.raw('rollback').execute(conn).catch(() => undefined);
      throw e;
    }
    return result;
  });
