import { afterEach, describe, expect, it, vi } from 'vitest';
import fc from 'fast-check';
import * as O from 'fp-ts/lib/Option.js';
import { accessTokenRecordArb, fakeClock, runStoreTask as ok } from '@grantor/testkit';
import { createMemoryStore } from './index.js';
import { decodeTime, encodeTime } from './compact.js';

const token = (id: string, expiresAt: number, grantId?: string) => ({
  id,
  format: 'opaque' as const,
  clientId: 'c',
  scope: ['read'],
  issuedAt: expiresAt - 60,
  expiresAt,
  ...(grantId === undefined ? {} : { grantId }),
});

describe('compact time encoding', () => {
  it('round-trips every number exactly (integers, fractions, far dates, negatives, -0)', () => {
    fc.assert(
      fc.property(fc.oneof(fc.integer({ min: 1_000_000_000, max: 2_500_000_000 }), fc.double({ noNaN: true }), fc.constantFrom(-0, 0, 2 ** 53, -(2 ** 53))), (t) => {
        expect(Object.is(decodeTime(encodeTime(t)), t)).toBe(true);
      }),
    );
  });
});

describe('createMemoryStore', () => {
  afterEach(() => {
    vi.useRealTimers();
  });

  it('hands out copies: changing a returned record or its scope does not change the store', async () => {
    const store = createMemoryStore();
    await ok(store.accessTokens.save(token('a', 2_000_000_000)));
    const found = await ok(store.accessTokens.find('a'));
    if (O.isNone(found)) throw new Error('missing');
    (found.value as { clientId: string }).clientId = 'mallory';
    expect(() => (found.value.scope as string[]).push('admin')).toThrow();
    expect(await ok(store.accessTokens.find('a'))).toStrictEqual(O.some(token('a', 2_000_000_000)));
  });

  it('shares one frozen scope list between rows with equal scopes', async () => {
    const store = createMemoryStore();
    await ok(store.accessTokens.save(token('a', 2_000_000_000)));
    await ok(store.accessTokens.save(token('b', 2_000_000_000)));
    const [a, b] = [await ok(store.accessTokens.find('a')), await ok(store.accessTokens.find('b'))];
    expect(O.isSome(a) && O.isSome(b) && a.value.scope === b.value.scope).toBe(true);
  });

  it('keeps records exact beyond the intern limit', async () => {
    const store = createMemoryStore({ internLimit: 2 });
    await fc.assert(
      fc.asyncProperty(accessTokenRecordArb(), async (t) => {
        await ok(store.accessTokens.save(t));
        expect(await ok(store.accessTokens.find(t.id))).toStrictEqual(O.some(t));
      }),
      { numRuns: 50 },
    );
  });

  it('counts live rows per table and forgets grant index entries of swept rows', async () => {
    const store = createMemoryStore();
    await ok(store.accessTokens.save(token('old', 100, 'g')));
    await ok(store.accessTokens.save(token('new', 300, 'g')));
    expect(store.stats().accessTokens).toBe(2);
    expect(await ok(store.sweeper.sweep(200))).toBe(1);
    expect(store.stats().accessTokens).toBe(1);
    // Re-saving the swept id under another grant: revoking the old grant must not reach it.
    await ok(store.accessTokens.save(token('old', 400, 'h')));
    await ok(store.accessTokens.revokeGrant('g', 250));
    expect(await ok(store.accessTokens.find('old'))).toStrictEqual(O.some(token('old', 400, 'h')));
    expect(await ok(store.accessTokens.find('new'))).toStrictEqual(O.some({ ...token('new', 300, 'g'), revokedAt: 250 }));
  });

  it('moves a re-saved token from its old grant to its new one', async () => {
    const store = createMemoryStore();
    await ok(store.refreshTokens.save({ tokenHash: 'r', grantId: 'g1', clientId: 'c', subject: 's', scope: [], grantedScope: [], issuedAt: 1, expiresAt: 10_000 }));
    await ok(store.refreshTokens.save({ tokenHash: 'r', grantId: 'g2', clientId: 'c', subject: 's', scope: [], grantedScope: [], issuedAt: 1, expiresAt: 10_000 }));
    await ok(store.refreshTokens.revokeGrant('g1', 5));
    const found = await ok(store.refreshTokens.find('r'));
    expect(O.isSome(found) && found.value.revokedAt).toBeUndefined();
  });

  it('sweeps in batches of at most sweepBatchSize rows', async () => {
    const store = createMemoryStore({ sweepBatchSize: 3 });
    for (let i = 0; i < 7; i++) await ok(store.accessTokens.save(token(`t${i}`, 100)));
    expect(await ok(store.sweeper.sweep(200))).toBe(3);
    expect(await ok(store.sweeper.sweep(200))).toBe(3);
    expect(await ok(store.sweeper.sweep(200))).toBe(1);
    expect(await ok(store.sweeper.sweep(200))).toBe(0);
  });

  it('keeps a frozen copy of the signing key set', async () => {
    const store = createMemoryStore();
    const key = { kid: 'k1', alg: 'ES256' as const, status: 'active' as const, publicJwk: { kty: 'EC' }, privateJwk: { kty: 'EC', d: 'secret' }, createdAt: 1 };
    const set = { keys: [key] };
    await ok(store.keys.save(set));
    set.keys.push({ ...key, kid: 'k2' });
    const loaded = await ok(store.keys.load());
    expect(loaded).toStrictEqual(O.some({ keys: [key] }));
    expect(O.isSome(loaded) && Object.isFrozen(loaded.value.keys[0]?.privateJwk)).toBe(true);
    expect(store.stats().signingKeys).toBe(1);
  });

  it('refuses a sweepBatchSize that is not a positive integer', () => {
    for (const sweepBatchSize of [0, -1, 1.5, Number.NaN]) expect(() => createMemoryStore({ sweepBatchSize })).toThrow(TypeError);
  });

  it('startSweeper sweeps on its timer with the configured clock, drains full batches, and stops', async () => {
    vi.useFakeTimers();
    const clock = fakeClock(1_000);
    const store = createMemoryStore({ clock, sweepBatchSize: 2 });
    for (let i = 0; i < 5; i++) await ok(store.accessTokens.save(token(`t${i}`, 1_500)));
    await ok(store.accessTokens.save(token('live', 5_000)));
    const stop = store.startSweeper(60_000);
    await vi.advanceTimersByTimeAsync(60_000);
    expect(store.stats().accessTokens).toBe(6);
    clock.set(2_000);
    await vi.advanceTimersByTimeAsync(60_000);
    await vi.runOnlyPendingTimersAsync();
    expect(store.stats().accessTokens).toBe(1);
    stop();
    await ok(store.accessTokens.save(token('late', 1_500)));
    await vi.advanceTimersByTimeAsync(180_000);
    expect(store.stats().accessTokens).toBe(2);
  });
});
