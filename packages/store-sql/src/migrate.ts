import { sql, type Kysely } from 'kysely';
import { requireDialect, type SqlDialect } from './dialect.js';
import { migrations as shipped, type Migration } from './migrations/index.js';

export interface MigrateOptions {
  /** Inferred from the Kysely instance when omitted. */
  readonly dialect?: SqlDialect;
  /** The migrations to apply (default: every migration this package ships). */
  readonly migrations?: readonly Migration[];
  /** How long to wait for another process's migration lock, in seconds (default 60). */
  readonly lockTimeoutSeconds?: number;
}

export interface MigrateResult {
  /** Migrations applied by this call, in order. */
  readonly applied: readonly string[];
  /** Migrations found already applied. */
  readonly skipped: readonly string[];
}

const migrationsTable = 'grantor_migrations';

const ensureMigrationsTable = async (db: Kysely<unknown>, dialect: SqlDialect): Promise<void> => {
  const t = db.schema
    .createTable(migrationsTable)
    .ifNotExists()
    .addColumn('id', 'varchar(255)', (c) => c.primaryKey())
    .addColumn('applied_at', 'bigint', (c) => c.notNull());
  await (dialect === 'mysql' ? t.modifyEnd(sql`engine = InnoDB default charset = utf8mb4 collate = utf8mb4_bin`) : t).execute();
};

const appliedIds = async (db: Kysely<unknown>): Promise<Set<string>> => {
  const rows = await sql<{ id: string }>`select id from ${sql.table(migrationsTable)}`.execute(db);
  return new Set(rows.rows.map((r) => r.id));
};

const record = (db: Kysely<unknown>, id: string) =>
  sql`insert into ${sql.table(migrationsTable)} (id, applied_at) values (${id}, ${Math.floor(Date.now() / 1000)})`.execute(db);

/** Applies the pending migrations on one connection that already holds the migration lock. */
const applyPending = async (conn: Kysely<unknown>, dialect: SqlDialect, list: readonly Migration[]): Promise<MigrateResult> => {
  await ensureMigrationsTable(conn, dialect);
  const done = await appliedIds(conn);
  const applied: string[] = [];
  const skipped: string[] = [];
  for (const m of [...list].sort((a, b) => (a.id < b.id ? -1 : a.id > b.id ? 1 : 0))) {
    if (done.has(m.id)) {
      skipped.push(m.id);
      continue;
    }
    if (dialect === 'postgres') {
      // PostgreSQL DDL is transactional: a migration applies entirely or not at all.
      await sql.raw('begin').execute(conn);
      try {
        // Schema changes on big tables may take longer than the pool's statement timeout.
        await sql.raw('set local statement_timeout = 0').execute(conn);
        await m.up(conn, dialect);
        await record(conn, m.id);
        await sql.raw('commit').execute(conn);
      } catch (e) {
        await sql.raw('rollback').execute(conn).catch(() => undefined);
        throw e;
      }
    } else {
      // SQLite: already inside the BEGIN IMMEDIATE transaction. MySQL: DDL commits implicitly, so every statement
      // of a migration is written to be re-runnable (IF NOT EXISTS, duplicate index tolerated).
      await m.up(conn, dialect);
      await record(conn, m.id);
    }
    applied.push(m.id);
  }
  return { applied, skipped };
};

const isBusy = (e: unknown): boolean => {
  const code = (e as { code?: unknown } | null)?.code;
  return typeof code === 'string' && code.startsWith('SQLITE_BUSY');
};

/**
 * SQLite's write lock, waited for asynchronously: the driver's own busy wait blocks the event loop, so a busy
 * database is retried here with short pauses until `timeoutSeconds`.
 */
const beginImmediate = async (conn: Kysely<unknown>, timeoutSeconds: number): Promise<void> => {
  const deadline = Date.now() + timeoutSeconds * 1000;
  for (;;) {
    try {
      await sql.raw('begin immediate').execute(conn);
      return;
    } catch (e) {
      if (!isBusy(e) || Date.now() > deadline) throw e;
      await new Promise((resolve) => setTimeout(resolve, 20));
    }
  }
};

/**
 * Applies every pending migration, idempotently and safely when several processes start at once: PostgreSQL holds
 * a session advisory lock (`pg_try_advisory_lock`, keyed by the current schema), MySQL/MariaDB `GET_LOCK` (keyed by the database), SQLite runs
 * everything in one `BEGIN IMMEDIATE` transaction. Applied ids are recorded in `grantor_migrations`.
 * Rejects (at startup) when the database is unreachable or a migration fails.
 */
export const migrate = async <DB>(db: Kysely<DB>, options: MigrateOptions = {}): Promise<MigrateResult> => {
  const dialect = requireDialect(db, options.dialect);
  const list = options.migrations ?? shipped;
  const plain = db.withoutPlugins() as unknown as Kysely<unknown>;
  return plain.connection().execute(async (conn) => {
    switch (dialect) {
      case 'postgres': {
        const current = await sql<{ schema: string | null }>`select current_schema() as schema`.execute(conn);
        if (current.rows[0]?.schema == null) {
          throw new Error('@grantor/store-sql: no schema to migrate: the search_path names no existing schema (create it first, e.g. CREATE SCHEMA auth).');
        }
        const lockKey = sql`hashtext(${'grantor_migrations:'} || coalesce(current_schema(), ''))`;
        // pg_try_advisory_lock in a loop: a blocking pg_advisory_lock would count against statement_timeout.
        const deadline = Date.now() + (options.lockTimeoutSeconds ?? 60) * 1000;
        for (;;) {
          const got = await sql<{ ok: boolean }>`select pg_try_advisory_lock(${lockKey}) as ok`.execute(conn);
          if (got.rows[0]?.ok === true) break;
          if (Date.now() > deadline) throw new Error('@grantor/store-sql: could not acquire the migration lock (pg_try_advisory_lock timed out).');
          await new Promise((resolve) => setTimeout(resolve, 50));
        }
        try {
          return await applyPending(conn, dialect, list);
        } finally {
          await sql`select pg_advisory_unlock(${lockKey})`.execute(conn).catch(() => undefined);
        }
      }
      case 'mysql': {
        const name = sql`concat(${'grantor_migrations:'}, coalesce(database(), ''))`;
        // One-second waits in a loop: a long GET_LOCK would count against MariaDB's max_statement_time.
        const deadline = Date.now() + (options.lockTimeoutSeconds ?? 60) * 1000;
        for (;;) {
          const got = await sql<{ ok: number | string | null }>`select get_lock(${name}, 1) as ok`.execute(conn);
          if (Number(got.rows[0]?.ok) === 1) break;
          if (Date.now() > deadline) throw new Error('@grantor/store-sql: could not acquire the migration lock (GET_LOCK timed out).');
        }
        try {
          return await applyPending(conn, dialect, list);
        } finally {
          await sql`select release_lock(${name})`.execute(conn).catch(() => undefined);
        }
      }
      case 'sqlite': {
        await beginImmediate(conn, options.lockTimeoutSeconds ?? 60);
        try {
          const result = await applyPending(conn, dialect, list);
          await sql.raw('commit').execute(conn);
          return result;
        } catch (e) {
          await sql.raw('rollback').execute(conn).catch(() => undefined);
          throw e;
        }
      }
    }
  });
};
