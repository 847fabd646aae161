import { mkdirSync } from 'node:fs';
import { dirname, join } from 'node:path';
import { CompiledQuery, Kysely, MysqlDialect, PostgresDialect, SqliteDialect } from 'kysely';
import type PgModule from 'pg';
import type * as Mysql2Module from 'mysql2';
import type BetterSqlite3 from 'better-sqlite3';
import type { SqlDialect } from './dialect.js';
import { importDriver, loadDriver, type DriverLoader } from './drivers.js';
import type { DirectExecutor } from './prepared.js';
import type { GrantorDatabase } from './schema.js';
import { namedStatementPool, sqliteStatementCache } from './statement-cache.js';

/** Pool and timeout settings used when the store opens the connection itself. */
export interface PoolSettings {
  /** Maximum pooled connections (PostgreSQL/MySQL; default 10). */
  readonly max?: number;
  /** Server-side statement timeout in ms (PostgreSQL `statement_timeout`, MariaDB `max_statement_time`; default 5000). */
  readonly statementTimeoutMs?: number;
  /** Row-lock wait limit in ms (PostgreSQL `lock_timeout`, InnoDB `innodb_lock_wait_timeout` rounded up to s; default 5000). */
  readonly lockTimeoutMs?: number;
  /** Connection establishment / pool acquisition timeout in ms (default 5000). */
  readonly connectTimeoutMs?: number;
  /** SQLite busy timeout in ms (how long to wait for another process's write lock; default 5000). */
  readonly busyTimeoutMs?: number;
}

/**
 * Where the store should connect when it opens the connection itself:
 * - `{ url }`: `postgres://…` / `postgresql://…` (optional `?schema=name` sets the `search_path`), `mysql://…` /
 *   `mariadb://…`, `sqlite:path`, `sqlite::memory:`, or a bare file path (SQLite);
 * - `{ sqliteFile }`: a SQLite database file (created with its directory if missing) or `:memory:`;
 * - `{ dataDir }`: the embedded default, `<dataDir>/grantor.sqlite`.
 */
export type SqlConnectionConfig =
  | ({ readonly url: string } & PoolSettings)
  | ({ readonly sqliteFile: string } & PoolSettings)
  | ({ readonly dataDir: string } & PoolSettings);

export interface Connection {
  readonly db: Kysely<GrantorDatabase>;
  readonly dialect: SqlDialect;
  /**
   * Marks a statement's SQL as reused (the store's compiled-once statements): a named prepared statement on `pg`, a
   * cached better-sqlite3 statement, mysql2's prepared-statement cache. Only on connections the store opened.
   */
  readonly register?: (sql: string) => void;
  /** Runs a registered statement outside transactions without Kysely's executor. */
  readonly direct?: DirectExecutor;
}

const defaults = { max: 10, statementTimeoutMs: 5000, lockTimeoutMs: 5000, connectTimeoutMs: 5000, busyTimeoutMs: 5000 };

/** A lazy value made once: the driver, its pool or database, at the first query (concurrent first calls share it). */
const once = <A>(make: () => Promise<A>): (() => Promise<A>) => {
  let made: Promise<A> | undefined;
  return () => (made ??= make());
};

/** Hides a password in a URL (for messages). */
export const redactUrl = (url: string): string => url.replace(/^([a-z][a-z0-9+.-]*:\/\/[^:/@]*):[^@/]*@/i, '$1:***@');

const openPostgres = (url: string, s: typeof defaults, load: DriverLoader): Connection => {
  const parsed = new URL(url);
  const schema = parsed.searchParams.get('schema');
  parsed.searchParams.delete('schema');
  if (schema !== null && !/^[A-Za-z_][A-Za-z0-9_$]*$/.test(schema)) throw new TypeError(`@grantor/store-sql: invalid schema name ${JSON.stringify(schema)}`);
  // The pool (and the `pg` package) comes into being at the first query, through the named-statement pool.
  const named = namedStatementPool(
    once(async () => {
      const pg = await loadDriver<typeof PgModule>('postgres', `the database URL ${redactUrl(url)}`, load);
      const created = new pg.Pool({
        connectionString: parsed.toString(),
        max: s.max,
        connectionTimeoutMillis: s.connectTimeoutMs,
        statement_timeout: s.statementTimeoutMs,
        lock_timeout: s.lockTimeoutMs,
        idle_in_transaction_session_timeout: Math.max(s.statementTimeoutMs * 2, 10_000),
        ...(schema === null ? {} : { options: `-c search_path=${schema}` }),
      });
      // A client losing its connection (server restart, terminated backend) must not crash the process: the failing
      // query already reports the error, and the pool drops the broken client.
      created.on('error', () => undefined);
      created.on('connect', (client) => {
        client.on('error', () => undefined);
      });
      return created;
    }),
  );
  return { db: new Kysely<GrantorDatabase>({ dialect: new PostgresDialect({ pool: named.pool }) }), dialect: 'postgres', register: named.register, direct: named.direct };
};

const openMysql = (url: string, s: typeof defaults, load: DriverLoader): Connection => {
  const pool = once(async () => (await loadDriver<typeof Mysql2Module>('mysql', `the database URL ${redactUrl(url)}`, load)).createPool({
    uri: url.replace(/^mariadb:/, 'mysql:'),
    connectionLimit: s.max,
    connectTimeout: s.connectTimeoutMs,
    waitForConnections: true,
    queueLimit: 1000,
    enableKeepAlive: true,
    supportBigNumbers: true,
  }));
  const lockSeconds = Math.max(1, Math.ceil(s.lockTimeoutMs / 1000));
  const promisePool = once(async () => (await pool()).promise());
  return {
    // mysql2's `execute`: a server-side prepared statement per connection (mysql2 keeps them in an LRU cache).
    direct: async (sql, parameters) => {
      const [result] = await (await promisePool()).execute(sql, parameters as Parameters<Mysql2Module.Pool['execute']>[1]);
      if (Array.isArray(result)) return { rows: result as unknown[] };
      const header = result as { readonly affectedRows?: number };
      return { rows: [], numAffectedRows: BigInt(header.affectedRows ?? 0) };
    },
    db: new Kysely<GrantorDatabase>({
      dialect: new MysqlDialect({
        pool,
        onCreateConnection: async (conn) => {
          await conn.executeQuery(CompiledQuery.raw(`set session innodb_lock_wait_timeout = ${lockSeconds}`));
          // MariaDB only (seconds, fractional); MySQL has no equivalent for writes and refuses the variable.
          await conn.executeQuery(CompiledQuery.raw(`set session max_statement_time = ${s.statementTimeoutMs / 1000}`)).catch(() => undefined);
        },
      }),
    }),
    dialect: 'mysql',
  };
};

const openSqlite = (file: string, what: string, s: typeof defaults, load: DriverLoader): Connection => {
  const cache = sqliteStatementCache(
    once(async () => {
      const Database = await loadDriver<typeof BetterSqlite3>('sqlite', what, load);
      if (file !== ':memory:' && file !== '') mkdirSync(dirname(file), { recursive: true });
      const opened = new Database(file, { timeout: s.busyTimeoutMs });
      if (file !== ':memory:' && file !== '') opened.pragma('journal_mode = WAL');
      opened.pragma('synchronous = NORMAL');
      return opened;
    }),
  );
  const db = new Kysely<GrantorDatabase>({ dialect: new SqliteDialect({ database: cache.database }) });
  return { db, dialect: 'sqlite', register: cache.register, direct: cache.direct(db) };
};

/** Parses a `DATABASE_URL`-style string into a dialect and a driver target. */
export const parseDatabaseUrl = (url: string): { readonly dialect: SqlDialect; readonly target: string } => {
  if (/^postgres(ql)?:\/\//i.test(url)) return { dialect: 'postgres', target: url };
  if (/^(mysql|mariadb):\/\//i.test(url)) return { dialect: 'mysql', target: url };
  if (/^sqlite:/i.test(url)) return { dialect: 'sqlite', target: url.slice('sqlite:'.length).replace(/^\/\/(?=\/|\.|[A-Za-z]:)/, '') };
  if (/^[a-z][a-z0-9+.-]*:\/\//i.test(url)) throw new TypeError(`@grantor/store-sql: unsupported database URL scheme in ${JSON.stringify(url.replace(/\/\/[^@/]*@/, '//***@'))}`);
  return { dialect: 'sqlite', target: url };
};

/**
 * Opens a Kysely instance (and its pool) for a connection config. The caller owns it (`db.destroy()`).
 *
 * The dialect's driver (`pg`, `mysql2` or `better-sqlite3`, optional peer dependencies) is imported at the first
 * query, not here: when it is not installed, that query (so `openSqlStore`, `migrate`, `grantor migrate`) rejects
 * with a `DriverMissingError` (`code: 'GRANTOR_SQL_DRIVER_MISSING'`) naming the package to install.
 */
export const openConnection = (config: SqlConnectionConfig): Connection => openConnectionWith(config, importDriver);

/** `openConnection` with the driver loader injected (tests). */
export const openConnectionWith = (config: SqlConnectionConfig, load: DriverLoader): Connection => {
  const s = { ...defaults, ...config };
  if ('dataDir' in config) {
    const file = join(config.dataDir, 'grantor.sqlite');
    return openSqlite(file, `the embedded SQLite database ${file}`, s, load);
  }
  if ('sqliteFile' in config) return openSqlite(config.sqliteFile, `the SQLite database ${config.sqliteFile}`, s, load);
  const { dialect, target } = parseDatabaseUrl(config.url);
  return dialect === 'postgres'
    ? openPostgres(target, s, load)
    : dialect === 'mysql'
      ? openMysql(target, s, load)
      : openSqlite(target, `the database URL ${redactUrl(config.url)}`, s, load);
};
