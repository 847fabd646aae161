import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterEach, describe, expect, it } from 'vitest';
import * as E from 'fp-ts/lib/Either.js';
import * as O from 'fp-ts/lib/Option.js';
import Database from 'better-sqlite3';
import { CamelCasePlugin, Kysely, SqliteDialect, sql } from 'kysely';
import type { AccessTokenRecord } from '@grantor/core/extend';
import { createSqlStore, migrate, migrations, openSqlStore, type SqlStore } from './index.js';

const t0 = 1_800_000_000;
const dirs: string[] = [];
const stores: SqlStore[] = [];
const tempDir = (): string => {
  const d = mkdtempSync(join(tmpdir(), 'grantor-sqlite-'));
  dirs.push(d);
  return d;
};
const keep = (s: SqlStore): SqlStore => (stores.push(s), s);
afterEach(async () => {
  for (const s of stores.splice(0)) await s.close();
  for (const d of dirs.splice(0)) rmSync(d, { recursive: true, force: true });
});

const ok = async <A>(te: () => Promise<E.Either<{ readonly detail: string }, A>>): Promise<A> => {
  const r = await te();
  if (E.isLeft(r)) throw new Error(r.left.detail);
  return r.right;
};

const token = (i: number, expiresAt: number): AccessTokenRecord => ({ id: `tok-${i}`, format: 'opaque', clientId: 'c', scope: [], issuedAt: t0, expiresAt });

describe('migrations (SQLite)', () => {
  it('are idempotent and recorded once each in grantor_migrations', async () => {
    const store = keep(createSqlStore({ db: { sqliteFile: ':memory:' } }));
    expect(await store.migrate()).toEqual({ applied: migrations.map((m) => m.id), skipped: [] });
    expect(await store.migrate()).toEqual({ applied: [], skipped: migrations.map((m) => m.id) });
    const rows = await store.db.selectFrom('grantor_migrations').select('id').execute();
    expect(rows.map((r) => r.id)).toEqual(migrations.map((m) => m.id));
  });

  it('two connections to one file migrating at once: one applies, the other waits and finds it applied', async () => {
    const file = join(tempDir(), 'grantor.sqlite');
    const [a, b] = [keep(createSqlStore({ db: { sqliteFile: file, busyTimeoutMs: 0 } })), keep(createSqlStore({ db: { sqliteFile: file, busyTimeoutMs: 0 } }))];
    const [x, y] = await Promise.all([a.migrate(), b.migrate()]);
    expect([...x.applied, ...y.applied]).toEqual(migrations.map((m) => m.id));
    expect([...x.skipped, ...y.skipped]).toEqual(migrations.map((m) => m.id));
  });

  it('the schema keeps hashes, never bearer values: no column is named like a raw token or code', async () => {
    const store = keep(await openSqlStore({ sqliteFile: ':memory:' }));
    const columns = await sql<{ name: string }>`select p.name as name from sqlite_master m join pragma_table_info(m.name) p where m.type = 'table' and m.name like 'grantor_%'`.execute(store.db);
    const names = columns.rows.map((c) => c.name);
    expect(names).toContain('code_hash');
    expect(names.filter((n) => /^(code|token|access_token|refresh_token|device_code|user_code|secret|client_secret)$/.test(n))).toEqual([]);
  });

  it('opens the embedded store in a data directory (created when missing)', async () => {
    const dataDir = join(tempDir(), 'nested', 'data');
    const store = keep(await openSqlStore({ dataDir }));
    await ok(store.accessTokens.save(token(1, t0 + 60)));
    await store.close();
    stores.pop();
    const again = keep(await openSqlStore(`sqlite:${join(dataDir, 'grantor.sqlite')}`));
    expect(O.isSome(await ok(again.accessTokens.find('tok-1')))).toBe(true);
  });
});

describe('an existing Kysely instance', () => {
  it('is used as is (plugins bypassed), its dialect inferred, and never destroyed by close()', async () => {
    const db = new Kysely<object>({ dialect: new SqliteDialect({ database: new Database(':memory:') }), plugins: [new CamelCasePlugin()] });
    await migrate(db);
    const store = createSqlStore({ db });
    expect(store.dialect).toBe('sqlite');
    await ok(store.accessTokens.save({ ...token(2, t0 + 60), grantId: 'g' }));
    expect(await ok(store.accessTokens.find('tok-2'))).toStrictEqual(O.some({ ...token(2, t0 + 60), grantId: 'g' }));
    await store.close();
    const count = await sql<{ n: number }>`select count(*) as n from grantor_access_tokens`.execute(db);
    expect(count.rows[0]?.n).toBe(1);
    await db.destroy();
  });
});

describe('sweeper (SQLite)', () => {
  it('deletes in bounded batches: at most batch × maxBatches rows per table per call, until nothing is left', async () => {
    const store = keep(await openSqlStore({ sqliteFile: ':memory:' }, { sweepBatchSize: 3, sweepMaxBatches: 2 }));
    for (let i = 0; i < 14; i++) await ok(store.accessTokens.save(token(i, i < 10 ? t0 : t0 + 3600)));
    expect(await ok(store.sweeper.sweep(t0 + 1))).toBe(6);
    expect(await ok(store.sweeper.sweep(t0 + 1))).toBe(4);
    expect(await ok(store.sweeper.sweep(t0 + 1))).toBe(0);
    const left = await store.db.selectFrom('grantor_access_tokens').select('id').execute();
    expect(left).toHaveLength(4);
  });

  it('treats expires_at = now as expired and floors fractional instants', async () => {
    const store = keep(await openSqlStore({ sqliteFile: ':memory:' }));
    await ok(store.accessTokens.save(token(1, t0)));
    await ok(store.accessTokens.save(token(2, t0 + 1)));
    expect(await ok(store.sweeper.sweep(t0 + 0.9))).toBe(1);
  });
});

describe('faults (SQLite)', () => {
  it('a closed database is a StoreError value, never a rejection', async () => {
    const store = await openSqlStore({ sqliteFile: ':memory:' });
    await store.close();
    const result = await store.clients.find('x')();
    expect(E.isLeft(result) && result.left._tag).toBe('StoreError');
  });
});
