import { describe, expect, it } from 'vitest';
import * as E from 'fp-ts/lib/Either.js';
import * as O from 'fp-ts/lib/Option.js';
import * as TE from 'fp-ts/lib/TaskEither.js';
import { decodeProtectedHeader } from 'jose';
import { storeError } from '../errors/store-error.js';
import type { KeyStore } from '../ports/keys.js';
import { testClock } from '../test/fake-ports.js';
import { joseSigner } from './jose-signer.js';
import { decryptKeySet, encryptKeySet, encryptedKeyStore, jwePrivateKeySealer, memoryKeyStore } from './key-stores.js';
import { privateJwkMembers } from './lifecycle.js';
import { verifyJws } from './verify.js';

const right = async <A>(t: TE.TaskEither<unknown, A>): Promise<A> => {
  const r = await t();
  if (E.isLeft(r)) throw new Error(`unexpected Left: ${JSON.stringify(r.left)}`);
  return r.right;
};

describe('joseSigner', () => {
  it('first start generates and saves active RS256 and ES256 keys; signatures verify against the JWKS', async () => {
    const store = memoryKeyStore();
    const signer = joseSigner({ store, clock: testClock(), maxTokenLifetime: 600 });
    const rs = await right(signer.sign({ iss: 'x', n: 1 }));
    const es = await right(signer.sign({ iss: 'x' }, { alg: 'ES256', typ: 'at+jwt' }));
    expect(decodeProtectedHeader(rs)).toMatchObject({ alg: 'RS256' });
    expect(decodeProtectedHeader(es)).toMatchObject({ alg: 'ES256', typ: 'at+jwt' });
    expect(store.current()?.keys.map((k) => [k.alg, k.status])).toEqual([['RS256', 'active'], ['ES256', 'active']]);
    const jwks = await right(signer.publicJwks());
    for (const k of jwks.keys) for (const m of privateJwkMembers) expect(k).not.toHaveProperty(m);
    expect((await right(verifyJws(rs, jwks))).payload).toEqual({ iss: 'x', n: 1 });
    expect(E.isRight(await verifyJws(es, jwks)())).toBe(true);
  });

  it('reuses a stored key set across instances', async () => {
    const store = memoryKeyStore();
    const a = joseSigner({ store, clock: testClock(), maxTokenLifetime: 600 });
    const token = await right(a.sign({ a: 1 }));
    const b = joseSigner({ store, clock: testClock(), maxTokenLifetime: 600 });
    expect(E.isRight(await verifyJws(token, await right(b.publicJwks()))())).toBe(true);
  });

  it('rotation: old tokens verify until retiredAt + max lifetime, new tokens use the promoted key', async () => {
    const clock = testClock();
    const signer = joseSigner({ store: memoryKeyStore(), clock, algorithms: ['ES256'], maxTokenLifetime: 600 });
    const before = await right(signer.sign({ t: 'before' }, { alg: 'ES256' }));
    await right(signer.rotate());
    const after = await right(signer.sign({ t: 'after' }, { alg: 'ES256' }));
    expect(decodeProtectedHeader(after).kid).not.toBe(decodeProtectedHeader(before).kid);
    expect((await right(signer.publicJwks())).keys).toHaveLength(3);
    clock.advance(599);
    expect(E.isRight(await verifyJws(before, await right(signer.publicJwks()))())).toBe(true);
    clock.advance(1);
    expect(E.isLeft(await verifyJws(before, await right(signer.publicJwks()))())).toBe(true);
    expect(E.isRight(await verifyJws(after, await right(signer.publicJwks()))())).toBe(true);
  });

  it('a store fault is a Left, and the next call retries', async () => {
    let fail = true;
    const inner = memoryKeyStore();
    const store: KeyStore = { load: () => (fail ? TE.left(storeError('down', { transient: true })) : inner.load()), save: inner.save };
    const signer = joseSigner({ store, clock: testClock(), algorithms: ['ES256'], maxTokenLifetime: 60 });
    const first = await signer.sign({}, { alg: 'ES256' })();
    expect(E.isLeft(first) && first.left.transient).toBe(true);
    fail = false;
    expect(E.isRight(await signer.sign({}, { alg: 'ES256' })())).toBe(true);
  });

  it('signing with an algorithm without an active key is a Left', async () => {
    const signer = joseSigner({ store: memoryKeyStore(), clock: testClock(), algorithms: ['ES256'], maxTokenLifetime: 60 });
    expect(E.isLeft(await signer.sign({}, { alg: 'PS256' })())).toBe(true);
  });

  it('EdDSA and PS256 keys sign and verify', async () => {
    const signer = joseSigner({ store: memoryKeyStore(), clock: testClock(), algorithms: ['EdDSA', 'PS256'], maxTokenLifetime: 60 });
    const jwks = await right(signer.publicJwks());
    for (const alg of ['EdDSA', 'PS256'] as const) expect(E.isRight(await verifyJws(await right(signer.sign({ alg }, { alg })), jwks)())).toBe(true);
  });
});

describe('key set encryption at rest', () => {
  it('round-trips with the secret and fails with another', async () => {
    const store = memoryKeyStore();
    await right(joseSigner({ store, clock: testClock(), algorithms: ['ES256'], maxTokenLifetime: 60 }).publicJwks());
    const set = store.current()!;
    const jwe = await right(encryptKeySet(set, 'correct horse'));
    expect(jwe).not.toContain(set.keys[0]!.kid);
    expect(await right(decryptKeySet(jwe, 'correct horse'))).toEqual(set);
    expect(E.isLeft(await decryptKeySet(jwe, 'wrong')())).toBe(true);
    expect(E.isLeft(await decryptKeySet('garbage', 'correct horse')())).toBe(true);
  });

  it('encryptedKeyStore keeps only ciphertext in the blob store', async () => {
    let blob: string | undefined;
    const keys = encryptedKeyStore({ load: () => TE.right(O.fromNullable(blob)), save: (b) => TE.fromIO(() => void (blob = b)) }, 's3cret');
    const signer = joseSigner({ store: keys, clock: testClock(), algorithms: ['ES256'], maxTokenLifetime: 60 });
    const token = await right(signer.sign({}, { alg: 'ES256' }));
    expect(blob?.split('.')).toHaveLength(5);
    const again = joseSigner({ store: keys, clock: testClock(), algorithms: ['ES256'], maxTokenLifetime: 60 });
    expect(E.isRight(await verifyJws(token, await right(again.publicJwks()))())).toBe(true);
  });
});

describe('jwePrivateKeySealer', () => {
  it('round-trips one private JWK, bound to its kid', async () => {
    const store = memoryKeyStore();
    await right(joseSigner({ store, clock: testClock(), algorithms: ['ES256'], maxTokenLifetime: 60 }).publicJwks());
    const key = store.current()!.keys[0]!;
    const sealer = jwePrivateKeySealer('pw');
    const sealed = await sealer.seal(key.privateJwk, key.kid);
    expect(sealed).not.toContain(String(key.privateJwk['d']));
    expect(await sealer.open(sealed, key.kid)).toEqual(key.privateJwk);
    await expect(sealer.open(sealed, 'another-kid')).rejects.toThrow();
    await expect(jwePrivateKeySealer('other').open(sealed, key.kid)).rejects.toThrow();
  });
});

describe('publicJwks identity', () => {
  it('is the same object while the published keys are unchanged, and a new one after rotation', async () => {
    const signer = joseSigner({ store: memoryKeyStore(), clock: testClock(), algorithms: ['ES256'], maxTokenLifetime: 60 });
    const a = await right(signer.publicJwks());
    expect(await right(signer.publicJwks())).toBe(a);
    await right(signer.rotate());
    expect(await right(signer.publicJwks())).not.toBe(a);
  });
});
