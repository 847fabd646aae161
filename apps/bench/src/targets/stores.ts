/** The stores a Grantor target can run on: store-memory, or store-sql on a fresh SQLite file / local PostgreSQL. */
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { createMemoryStore, type MemoryStore } from '@grantor/store-memory';
import type { SqlStore } from '@grantor/store-sql';

/** Loaded only by the SQL targets, so the memory targets' RSS does not carry Kysely and three drivers. */
const sql = () => import('@grantor/store-sql');

export type StoreKind = 'memory' | 'sqlite' | 'postgres';

/** PostgreSQL for the bench (BENCH_PG_URL; default: local, database `test`, trust auth). */
export const pgUrl = (): string => process.env['BENCH_PG_URL'] ?? 'postgres://postgres@127.0.0.1:5432/test';
/** BENCH_PG_SCHEMA (default `grantor_bench`): one per engineer when several run the bench on one server. */
const pgSchema = process.env['BENCH_PG_SCHEMA'] ?? 'grantor_bench';

/** Every PostgreSQL run starts from an empty schema of its own (dropped and re-created, then migrated). */
const freshPostgres = async (): Promise<SqlStore> => {
  const { openConnection, openSqlStore } = await sql();
  const admin = openConnection({ url: pgUrl() });
  try {
    await admin.db.schema.dropSchema(pgSchema).ifExists().cascade().execute();
    await admin.db.schema.createSchema(pgSchema).execute();
  } finally {
    await admin.db.destroy();
  }
  return openSqlStore(`${pgUrl()}${pgUrl().includes('?') ? '&' : '?'}schema=${pgSchema}`);
};

export const openStore = async (kind: StoreKind): Promise<MemoryStore | SqlStore> => {
  switch (kind) {
    case 'memory':
      return createMemoryStore();
    case 'sqlite': {
      // A new database file per server process (the store's defaults), removed when the process exits.
      const dataDir = mkdtempSync(join(tmpdir(), 'grantor-bench-'));
      process.once('exit', () => rmSync(dataDir, { recursive: true, force: true }));
      return (await sql()).openSqlStore({ dataDir });
    }
    case 'postgres':
      return freshPostgres();
  }
};
