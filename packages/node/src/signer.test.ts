import { describe, expect, it } from 'vitest';
import { memoryKeyStore, type Clock } from '@grantor/core';
import { joseSigner, privateJwkMembers, signingAlgs, verifyJws } from '@grantor/core/extend';
import { nodeSigner } from './signer.js';

type Result<A> = { readonly _tag: 'Left'; readonly left: unknown } | { readonly _tag: 'Right'; readonly right: A };
const isRight = (r: Result<unknown>): boolean => r._tag === 'Right';
const right = async <A>(t: () => Promise<Result<A>>): Promise<A> => {
  const r = await t();
  if (r._tag === 'Left') throw new Error(`unexpected Left: ${JSON.stringify(r.left)}`);
  return r.right;
};

const clockAt = (start: number): Clock & { advance: (s: number) => void } => {
  let t = start;
  return { now: () => t, advance: (s) => void (t += s) };
};

const headerOf = (jws: string): Record<string, unknown> => JSON.parse(Buffer.from(jws.split('.')[0] ?? '', 'base64url').toString('utf8')) as Record<string, unknown>;

describe('nodeSigner', () => {
  it.each(signingAlgs)('%s: the token verifies with jose against the published JWKS; header has kid, alg, typ', async (alg) => {
    const signer = nodeSigner({ keys: memoryKeyStore(), clock: clockAt(1_700_000_000), algorithms: [alg], maxTokenLifetime: 600 });
    const claims = { iss: 'https://as.example', sub: 'alice', n: 1, nested: { a: ['x', 'ü'] } };
    const token = await right(signer.sign(claims, { alg, typ: 'at+jwt' }));
    const jwks = await right(signer.publicJwks());
    const verified = await right(verifyJws(token, jwks));
    expect(verified.payload).toEqual(claims);
    const kid = jwks.keys[0]?.['kid'];
    expect(verified.header).toEqual({ alg, kid, typ: 'at+jwt' });
    expect(headerOf(token)).toEqual({ alg, kid, typ: 'at+jwt' });
    expect(signer.algorithms()).toEqual([alg]);
  });

  it('defaults: RS256 and ES256 keys generated and saved on first use, no typ unless asked, JWKS public only', async () => {
    const store = memoryKeyStore();
    const signer = nodeSigner({ keys: store, clock: clockAt(1_700_000_000), maxTokenLifetime: 600 });
    const rs = await right(signer.sign({ a: 1 }));
    expect(headerOf(rs)).toEqual({ alg: 'RS256', kid: expect.any(String) });
    expect(store.current()?.keys.map((k) => [k.alg, k.status])).toEqual([['RS256', 'active'], ['ES256', 'active']]);
    const jwks = await right(signer.publicJwks());
    for (const k of jwks.keys) for (const m of privateJwkMembers) expect(k).not.toHaveProperty(m);
  });

  it('shares the key set with joseSigner: tokens of one verify with the JWKS of the other', async () => {
    const store = memoryKeyStore();
    const jose = joseSigner({ store, clock: clockAt(1_700_000_000), maxTokenLifetime: 600 });
    const byJose = await right(jose.sign({ by: 'jose' }, { alg: 'ES256' }));
    const node = nodeSigner({ keys: store, clock: clockAt(1_700_000_000), maxTokenLifetime: 600 });
    const byNode = await right(node.sign({ by: 'node' }, { alg: 'ES256' }));
    expect(headerOf(byNode)['kid']).toBe(headerOf(byJose)['kid']);
    expect((await right(verifyJws(byNode, await right(jose.publicJwks())))).payload).toEqual({ by: 'node' });
    expect((await right(verifyJws(byJose, await right(node.publicJwks())))).payload).toEqual({ by: 'jose' });
  });

  it('rotate signs with the promoted key, old tokens still verify; reload picks up another process’s rotation', async () => {
    const store = memoryKeyStore();
    const clock = clockAt(1_700_000_000);
    const a = nodeSigner({ keys: store, clock, algorithms: ['ES256'], maxTokenLifetime: 600 });
    const b = nodeSigner({ keys: store, clock, algorithms: ['ES256'], maxTokenLifetime: 600 });
    const before = await right(a.sign({ t: 0 }, { alg: 'ES256' }));
    expect(headerOf(await right(b.sign({ t: 0 }, { alg: 'ES256' })))['kid']).toBe(headerOf(before)['kid']);
    await right(a.rotate());
    const after = await right(a.sign({ t: 1 }, { alg: 'ES256' }));
    expect(headerOf(after)['kid']).not.toBe(headerOf(before)['kid']);
    const jwks = await right(a.publicJwks());
    expect(isRight(await verifyJws(before, jwks)())).toBe(true);
    expect(isRight(await verifyJws(after, jwks)())).toBe(true);
    await right(b.reload());
    expect(headerOf(await right(b.sign({ t: 2 }, { alg: 'ES256' })))['kid']).toBe(headerOf(after)['kid']);
    clock.advance(601);
    expect((await right(a.publicJwks())).keys.map((k) => k['kid'])).not.toContain(headerOf(before)['kid']);
  });

  it('an algorithm without an active key is a StoreError value, not a throw', async () => {
    const signer = nodeSigner({ keys: memoryKeyStore(), clock: clockAt(1_700_000_000), algorithms: ['ES256'], maxTokenLifetime: 600 });
    const r = await signer.sign({ a: 1 }, { alg: 'PS256' })();
    expect(r._tag === 'Left').toBe(true);
  });
});
