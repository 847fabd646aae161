import { afterEach, describe, expect, it } from 'vitest';
import * as E from 'fp-ts/lib/Either.js';
import * as O from 'fp-ts/lib/Option.js';
import { openSqlStore, type PrivateKeySealer, type SqlStore, type StoredKeySet } from './index.js';

const t0 = 1_800_000_000;
const stores: SqlStore[] = [];
afterEach(async () => {
  for (const s of stores.splice(0)) await s.close();
});

const ok = async <A>(te: () => Promise<E.Either<{ readonly detail: string }, A>>): Promise<A> => {
  const r = await te();
  if (E.isLeft(r)) throw new Error(r.left.detail);
  return r.right;
};

const set: StoredKeySet = {
  keys: [
    {
      kid: 'k1',
      alg: 'ES256',
      status: 'retired',
      publicJwk: { kty: 'EC', crv: 'P-256', x: 'x1', y: 'y1', kid: 'k1', alg: 'ES256', use: 'sig' },
      privateJwk: { kty: 'EC', crv: 'P-256', x: 'x1', y: 'y1', d: 'secret-d1' },
      createdAt: t0,
      retiredAt: t0 + 100,
    },
    {
      kid: 'k2',
      alg: 'RS256',
      status: 'active',
      publicJwk: { kty: 'RSA', n: 'n2', e: 'AQAB', kid: 'k2', alg: 'RS256', use: 'sig' },
      privateJwk: { kty: 'RSA', n: 'n2', e: 'AQAB', d: 'secret-d2' },
      createdAt: t0 + 50,
    },
  ],
};

describe('signing key set (one row per key)', () => {
  it('load is None before the first save; save then load round-trips the set', async () => {
    const store = (stores[stores.length] = await openSqlStore({ sqliteFile: ':memory:' }));
    expect(await ok(store.keys.load())).toEqual(O.none);
    await ok(store.keys.save(set));
    expect(await ok(store.keys.load())).toStrictEqual(O.some(set));
    const rows = await store.db.selectFrom('grantor_signing_keys').select(['kid', 'status']).orderBy('kid').execute();
    expect(rows).toEqual([{ kid: 'k1', status: 'retired' }, { kid: 'k2', status: 'active' }]);
  });

  it('save replaces the set: changed keys are updated, keys no longer in the set are deleted', async () => {
    const store = (stores[stores.length] = await openSqlStore({ sqliteFile: ':memory:' }));
    await ok(store.keys.save(set));
    const [, k2] = set.keys;
    const next: StoredKeySet = { keys: [{ ...k2!, status: 'retired', retiredAt: t0 + 200 }] };
    await ok(store.keys.save(next));
    expect(await ok(store.keys.load())).toStrictEqual(O.some(next));
  });

  it('a sealer keeps private JWKs opaque at rest', async () => {
    const sealer: PrivateKeySealer = {
      seal: async (jwk, kid) => `sealed:${kid}:${Buffer.from(JSON.stringify(jwk)).toString('base64url')}`,
      open: async (text, kid) => JSON.parse(Buffer.from(text.slice(`sealed:${kid}:`.length), 'base64url').toString()) as { kty: string },
    };
    const store = (stores[stores.length] = await openSqlStore({ sqliteFile: ':memory:' }, { privateKeySealer: sealer }));
    await ok(store.keys.save(set));
    const raw = await store.db.selectFrom('grantor_signing_keys').select('private_jwk').execute();
    expect(raw.every((r) => r.private_jwk.startsWith('sealed:') && !r.private_jwk.includes('secret-d'))).toBe(true);
    expect(await ok(store.keys.load())).toStrictEqual(O.some(set));
  });

  it('a sealer that cannot open a key is a StoreError, not a throw', async () => {
    const store = (stores[stores.length] = await openSqlStore({ sqliteFile: ':memory:' }, { privateKeySealer: { seal: async () => 'x', open: async () => Promise.reject(new Error('wrong secret')) } }));
    await ok(store.keys.save(set));
    const result = await store.keys.load()();
    expect(E.isLeft(result) && result.left.detail).toContain('wrong secret');
  });
});
