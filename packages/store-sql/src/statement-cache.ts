import { CompiledQuery, type Kysely, type PostgresPool, type PostgresPoolClient, type QueryResult, type SqliteDatabase } from 'kysely';
import type pg from 'pg';
import type Database from 'better-sqlite3';
import type { DirectExecutor } from './prepared.js';
import type { GrantorDatabase } from './schema.js';

/**
 * The driver side of compiled-once statements (see `prepared.ts`), for connections the store opens itself.
 */

const affected = (command: string | null | undefined, rowCount: number | null | undefined): bigint | undefined =>
  command === 'INSERT' || command === 'UPDATE' || command === 'DELETE' || command === 'MERGE' ? BigInt(rowCount ?? 0) : undefined;

/**
 * PostgreSQL: every registered statement gets a name (`grantor_<n>`) and runs as a named prepared statement, through
 * Kysely (transactions: the pool handed to Kysely wraps each client's `query`) and outside transactions directly on
 * the pool. `pg` sends `Parse` once per connection and name, then only `Bind`/`Execute`; other SQL is unchanged.
 */
export const namedStatementPool = (
  pool: () => Promise<pg.Pool>,
): { readonly pool: PostgresPool; readonly register: (sql: string) => void; readonly direct: DirectExecutor } => {
  const names = new Map<string, string>();
  const wrappers = new WeakMap<pg.PoolClient, PostgresPoolClient>();
  const wrap = (client: pg.PoolClient): PostgresPoolClient => {
    let w = wrappers.get(client);
    if (w === undefined) {
      w = {
        query: <R>(text: string, values: readonly unknown[]) => {
          const name = names.get(text);
          return (name === undefined ? client.query(text, values as unknown[]) : client.query({ name, text, values: values as unknown[] })) as unknown as Promise<{ command: 'UPDATE'; rowCount: number; rows: R[] }>;
        },
        release: () => client.release(),
      } as PostgresPoolClient;
      wrappers.set(client, w);
    }
    return w;
  };
  return {
    pool: {
      connect: async () => wrap(await (await pool()).connect()),
      // Closing a pool whose driver never loaded (a missing `pg`) has nothing to close.
      end: () =>
        pool().then(
          (p) => p.end(),
          () => undefined,
        ),
    },
    register: (sql) => {
      if (!names.has(sql)) names.set(sql, `grantor_${names.size + 1}`);
    },
    direct: async (sql, parameters) => {
      const name = names.get(sql);
      const r = await (await pool()).query(name === undefined ? { text: sql, values: parameters as unknown[] } : { name, text: sql, values: parameters as unknown[] });
      const n = affected(r.command, r.rowCount);
      return n === undefined ? { rows: r.rows ?? [] } : { rows: r.rows ?? [], numAffectedRows: n };
    },
  };
};

/**
 * SQLite: registered statements are prepared once (better-sqlite3 `Statement`s kept for the life of the database;
 * a fixed set, so the cache is bounded by the store's own statements). Outside a transaction they run synchronously
 * on the single connection; while a transaction holds it (`inTransaction`), through Kysely, which waits for it.
 */
export const sqliteStatementCache = (
  open: () => Promise<Database.Database>,
): { readonly database: () => Promise<SqliteDatabase>; readonly register: (sql: string) => void; readonly direct: (db: Kysely<GrantorDatabase>) => DirectExecutor } => {
  const registered = new Set<string>();
  const statements = new Map<string, Database.Statement>();
  const prepared = (database: Database.Database, sql: string): Database.Statement => {
    let s = statements.get(sql);
    if (s === undefined) {
      s = database.prepare(sql);
      statements.set(sql, s);
    }
    return s;
  };
  return {
    database: async () => {
      const database = await open();
      return {
        close: () => {
          database.close();
        },
        prepare: (sql) => (registered.has(sql) ? prepared(database, sql) : database.prepare(sql)),
      };
    },
    register: (sql) => {
      registered.add(sql);
    },
    direct: (db) => async (sql, parameters): Promise<QueryResult<unknown>> => {
      const database = await open();
      if (database.inTransaction || !database.open) return db.executeQuery(CompiledQuery.raw(sql, [...parameters]));
      const s = prepared(database, sql);
      if (s.reader) return { rows: s.all(parameters as unknown[]) };
      const { changes } = s.run(parameters as unknown[]);
      return { rows: [], numAffectedRows: BigInt(changes) };
    },
  };
};
