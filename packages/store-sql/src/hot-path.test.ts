import { afterEach, describe, expect, it, vi } from 'vitest';
import * as E from 'fp-ts/lib/Either.js';
import * as O from 'fp-ts/lib/Option.js';
import Database from 'better-sqlite3';
import { sql } from 'kysely';
import type { Client } from '@grantor/core';
import type { AccessTokenRecord } from '@grantor/core/extend';
import { openSqlStore, type SqlStore } from './index.js';
import { createPostgresSchema, describeWithDatabase, postgresProblem } from './test/databases.js';

const t0 = 1_800_000_000;
const stores: SqlStore[] = [];
const keep = (s: SqlStore): SqlStore => (stores.push(s), s);
afterEach(async () => {
  vi.restoreAllMocks();
  for (const s of stores.splice(0)) await s.close();
});

const ok = async <A>(te: () => Promise<E.Either<{ readonly detail: string }, A>>): Promise<A> => {
  const r = await te();
  if (E.isLeft(r)) throw new Error(r.left.detail);
  return r.right;
};
const sleep = (ms: number): Promise<void> => new Promise((r) => setTimeout(r, ms));

const client = (o: Partial<Client> = {}): Client => ({
  clientId: 'app',
  clientName: 'App',
  secretHashes: [{ hash: 'h1' }],
  redirectUris: ['https://app.example/cb'],
  postLogoutRedirectUris: [],
  grantTypes: ['client_credentials'],
  responseTypes: [],
  scope: ['api'],
  tokenEndpointAuthMethod: 'client_secret_basic',
  ...o,
});
const token = (i: number): AccessTokenRecord => ({ id: `tok-${i}`, format: 'opaque', clientId: 'app', scope: ['api'], issuedAt: t0, expiresAt: t0 + 3600 });

/** Changes a client's secret hashes behind the store's back (what another process writing the database does). */
const rotateInDatabase = (store: SqlStore, hash: string) =>
  store.db.updateTable('grantor_clients').set({ secret_hashes: JSON.stringify([{ hash }]) }).where('client_id', '=', 'app').execute();

describe('client cache', () => {
  it('serves a client read once from memory until its TTL: a change made by another process is seen after it', async () => {
    const store = keep(await openSqlStore({ sqliteFile: ':memory:' }, { clientCacheTtlMs: 150 }));
    await ok(store.clients.save(client()));
    expect(await ok(store.clients.find('app'))).toStrictEqual(O.some(client()));
    await rotateInDatabase(store, 'h2');
    expect(await ok(store.clients.find('app'))).toStrictEqual(O.some(client()));
    await sleep(400);
    expect(await ok(store.clients.find('app'))).toStrictEqual(O.some(client({ secretHashes: [{ hash: 'h2' }] })));
  });

  it('a save through the store (e.g. a secret rotation) is seen at once, and so is every later save', async () => {
    const store = keep(await openSqlStore({ sqliteFile: ':memory:' }, { clientCacheTtlMs: 60_000 }));
    await ok(store.clients.save(client()));
    await ok(store.clients.find('app'));
    const rotated = client({ secretHashes: [{ hash: 'h1', expiresAt: t0 }, { hash: 'h2' }] });
    await ok(store.clients.save(rotated));
    expect(await ok(store.clients.find('app'))).toStrictEqual(O.some(rotated));
    await ok(store.clients.save(client({ scope: [] })));
    expect(await ok(store.clients.find('app'))).toStrictEqual(O.some(client({ scope: [] })));
  });

  it('clientCacheTtlMs: 0 reads the database every time', async () => {
    const store = keep(await openSqlStore({ sqliteFile: ':memory:' }, { clientCacheTtlMs: 0 }));
    await ok(store.clients.save(client()));
    await ok(store.clients.find('app'));
    await rotateInDatabase(store, 'h2');
    expect(await ok(store.clients.find('app'))).toStrictEqual(O.some(client({ secretHashes: [{ hash: 'h2' }] })));
  });

  it('an unknown client is not cached: registered later by another process, it is found at once', async () => {
    const store = keep(await openSqlStore({ sqliteFile: ':memory:' }, { clientCacheTtlMs: 60_000 }));
    expect(await ok(store.clients.find('app'))).toStrictEqual(O.none);
    await store.db.insertInto('grantor_clients').values({ client_id: 'app', client_name: null, token_endpoint_auth_method: 'none', secret_hashes: '[]', document: '{"clientId":"app"}' }).execute();
    expect(O.isSome(await ok(store.clients.find('app')))).toBe(true);
  });

  it('client_secret_jwt secrets: save and remove through the store invalidate the cached secret', async () => {
    const store = keep(await openSqlStore({ sqliteFile: ':memory:' }, { clientCacheTtlMs: 60_000 }));
    const hmac = client({ tokenEndpointAuthMethod: 'client_secret_jwt' });
    await ok(store.clientSecretJwtKeys.save('app', 'first secret, long enough'));
    expect(await ok(store.clientSecretJwtKeys.secretFor(hmac))).toStrictEqual(O.some('first secret, long enough'));
    await ok(store.clientSecretJwtKeys.save('app', 'second secret, long enough'));
    expect(await ok(store.clientSecretJwtKeys.secretFor(hmac))).toStrictEqual(O.some('second secret, long enough'));
    await ok(store.clientSecretJwtKeys.remove('app'));
    expect(await ok(store.clientSecretJwtKeys.secretFor(hmac))).toStrictEqual(O.none);
  });
});

describe('statements compiled once (SQLite)', () => {
  it('better-sqlite3 prepares the token insert once for many saves', async () => {
    const prepare = vi.spyOn(Database.prototype, 'prepare');
    const store = keep(await openSqlStore({ sqliteFile: ':memory:' }));
    await ok(store.accessTokens.save(token(0)));
    const before = prepare.mock.calls.length;
    for (let i = 1; i <= 50; i++) await ok(store.accessTokens.save(token(i)));
    expect(prepare.mock.calls.length).toBe(before);
    expect(O.isSome(await ok(store.accessTokens.find('tok-50')))).toBe(true);
  });

  it('a save issued while a transaction holds the connection waits for it: a rollback does not take the save with it', async () => {
    const store = keep(await openSqlStore({ sqliteFile: ':memory:' }));
    let inside!: () => void;
    const started = new Promise<void>((r) => (inside = r));
    const failing = store.db.transaction().execute(async (trx) => {
      await trx.insertInto('grantor_replay_cache').values({ replay_key: 'k', expires_at: t0 }).execute();
      inside();
      await sleep(50);
      throw new Error('roll back');
    });
    await started;
    const save = ok(store.accessTokens.save(token(1)));
    await expect(failing).rejects.toThrow('roll back');
    await save;
    expect(O.isSome(await ok(store.accessTokens.find('tok-1')))).toBe(true);
    expect(await store.db.selectFrom('grantor_replay_cache').selectAll().execute()).toEqual([]);
  });
});

const problem = await postgresProblem();
describeWithDatabase('statements compiled once (PostgreSQL)', problem, () => {
  it('runs the hot statements as named prepared statements on the connection', async () => {
    const { url, drop } = await createPostgresSchema();
    try {
      const store = keep(await openSqlStore({ url, max: 1 }));
      await ok(store.clients.save(client()));
      await ok(store.accessTokens.save(token(1)));
      await ok(store.accessTokens.save(token(2)));
      expect(O.isSome(await ok(store.accessTokens.find('tok-2')))).toBe(true);
      const prepared = await sql<{ name: string; statement: string }>`select name, statement from pg_prepared_statements`.execute(store.db);
      const names = prepared.rows.filter((r) => r.statement.includes('grantor_access_tokens')).map((r) => r.name);
      expect(names.length).toBeGreaterThanOrEqual(2);
      expect(names.every((n) => n.startsWith('grantor_'))).toBe(true);
    } finally {
      for (const s of stores.splice(0)) await s.close();
      await drop();
    }
  });
});
