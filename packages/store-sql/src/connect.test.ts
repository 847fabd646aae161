import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import { openConnectionWith, parseDatabaseUrl } from './connect.js';
import { DRIVER_MISSING, isDriverMissingError, type DriverLoader } from './drivers.js';
import { createSqlStore, migrate } from './index.js';

describe('parseDatabaseUrl', () => {
  it.each([
    ['postgres://u:p@db:5432/app', 'postgres', 'postgres://u:p@db:5432/app'],
    ['postgresql://db/app?schema=auth', 'postgres', 'postgresql://db/app?schema=auth'],
    ['mysql://root@127.0.0.1:3306/app', 'mysql', 'mysql://root@127.0.0.1:3306/app'],
    ['mariadb://root@127.0.0.1/app', 'mysql', 'mariadb://root@127.0.0.1/app'],
    ['sqlite:data/grantor.sqlite', 'sqlite', 'data/grantor.sqlite'],
    ['sqlite:/var/lib/grantor/grantor.sqlite', 'sqlite', '/var/lib/grantor/grantor.sqlite'],
    ['sqlite:///var/lib/grantor.sqlite', 'sqlite', '/var/lib/grantor.sqlite'],
    ['sqlite::memory:', 'sqlite', ':memory:'],
    ['./grantor.sqlite', 'sqlite', './grantor.sqlite'],
    ['/data/grantor.db', 'sqlite', '/data/grantor.db'],
  ])('%s → %s', (url, dialect, target) => {
    expect(parseDatabaseUrl(url)).toEqual({ dialect, target });
  });

  it('refuses an unknown scheme without echoing the password', () => {
    expect(() => parseDatabaseUrl('mssql://sa:secret@db/app')).toThrow(TypeError);
    expect(() => parseDatabaseUrl('mssql://sa:secret@db/app')).not.toThrow(/secret/);
  });
});

describe('a dialect whose driver package is not installed', () => {
  // What Node's `import()` throws in an application that did not install the package (the real thing runs in
  // apps/pack-test, against the packed tarballs installed without any driver).
  const empty = mkdtempSync(join(tmpdir(), 'grantor-no-drivers-'));
  afterAll(() => rmSync(empty, { recursive: true, force: true }));
  const fromEmptyApp: DriverLoader = (name) =>
    Promise.reject(Object.assign(new Error(`Cannot find package '${name}' imported from ${join(empty, 'app.js')}`), { code: 'ERR_MODULE_NOT_FOUND' }));

  it.each([
    [{ url: 'postgres://app:s3cret@127.0.0.1:1/app?schema=auth' }, 'postgres', 'pg', 'the database URL postgres://app:***@127.0.0.1:1/app'],
    [{ url: 'mariadb://root:s3cret@127.0.0.1:1/app' }, 'mysql', 'mysql2', 'the database URL mariadb://root:***@127.0.0.1:1/app'],
    [{ dataDir: join(empty, 'data') }, 'sqlite', 'better-sqlite3', `the embedded SQLite database ${join(empty, 'data', 'grantor.sqlite')}`],
    [{ url: 'sqlite::memory:' }, 'sqlite', 'better-sqlite3', 'the database URL sqlite::memory:'],
  ] as const)('%j: the first query (so migrate / openSqlStore) rejects naming the package to install', async (config, dialect, driver, target) => {
    const { db } = openConnectionWith(config, fromEmptyApp);
    const failure: unknown = await migrate(db).then(
      () => undefined,
      (e: unknown) => e,
    );
    await db.destroy();
    expect(isDriverMissingError(failure)).toBe(true);
    expect(failure).toMatchObject({ code: DRIVER_MISSING, dialect, driver, install: `npm i ${driver}` });
    const message = (failure as Error).message;
    expect(message).toContain(target);
    expect(message).toContain(`install the \`${driver}\` package (npm i ${driver})`);
    expect(message).not.toContain('s3cret');
  });

  it('is a non-transient StoreError (server_error) from a port call, the missing package in its detail', async () => {
    const { db, dialect } = openConnectionWith({ url: 'postgres://app@127.0.0.1:1/app' }, fromEmptyApp);
    const store = createSqlStore({ db, dialect });
    const result = await store.clients.find('c')();
    await db.destroy();
    expect(result._tag === 'Left' && result.left).toMatchObject({ _tag: 'StoreError', transient: false });
    expect(result._tag === 'Left' && result.left.detail).toContain('npm i pg');
  });

  it('passes other load failures through unchanged (a broken driver is not reported as a missing one)', async () => {
    const broken = Object.assign(new Error("Cannot find package 'pg-types' imported from pg"), { code: 'ERR_MODULE_NOT_FOUND' });
    const { db } = openConnectionWith({ url: 'postgres://app@127.0.0.1:1/app' }, () => Promise.reject(broken));
    await expect(migrate(db)).rejects.toBe(broken);
    await db.destroy();
  });

  it('loads nothing before the first query: opening a connection of a missing driver does not throw', () => {
    let loads = 0;
    const counting: DriverLoader = async (name) => ((loads += 1), fromEmptyApp(name));
    const { db } = openConnectionWith({ url: 'mysql://root@127.0.0.1:1/app' }, counting);
    expect(loads).toBe(0);
    void db.destroy();
  });
});
