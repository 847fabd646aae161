import { describe, expect, it } from 'vitest';
import fc from 'fast-check';
import * as E from 'fp-ts/lib/Either.js';
import type { KeySet, SigningAlg, SigningKey } from '../ports/keys.js';
import { activeKey, emptyKeySet, ensureActive, freshKeysNeeded, privateJwkMembers, prune, publishedJwks, rotate } from './lifecycle.js';

let counter = 0;
const fakeKey = (alg: SigningAlg, now: number): SigningKey => {
  const kid = `k${++counter}`;
  return { kid, alg, status: 'next', publicJwk: { kty: 'RSA', n: kid, e: 'AQAB' }, privateJwk: { kty: 'RSA', n: kid, e: 'AQAB', d: 'secret', p: 'p', q: 'q', dp: 'dp', dq: 'dq', qi: 'qi' }, createdAt: now };
};
const start = (algs: readonly SigningAlg[], now: number): KeySet => ensureActive(emptyKeySet, algs, algs.map((a) => fakeKey(a, now)));
const rotated = (set: KeySet, now: number): KeySet => {
  const r = rotate(set, now, freshKeysNeeded(set).map((a) => fakeKey(a, now)));
  if (E.isLeft(r)) throw new Error(r.left);
  return r.right;
};

const algsArb = fc.uniqueArray(fc.constantFrom<SigningAlg>('RS256', 'ES256', 'PS256', 'EdDSA'), { minLength: 1, maxLength: 4 });
/** A schedule of operations: rotate or prune after some seconds. */
const opsArb = fc.array(fc.record({ after: fc.integer({ min: 0, max: 5000 }), op: fc.constantFrom('rotate', 'prune') }), { maxLength: 12 });

describe('key set lifecycle', () => {
  it('first start: one active key per algorithm', () => {
    const set = start(['RS256', 'ES256'], 100);
    expect(set.keys.map((k) => [k.alg, k.status])).toEqual([['RS256', 'active'], ['ES256', 'active']]);
  });

  it('rotate: next → active, active → retired at now, a fresh next', () => {
    const first = rotated(start(['RS256'], 0), 10);
    const [retired, active, next] = [first.keys.filter((k) => k.status === 'retired'), first.keys.filter((k) => k.status === 'active'), first.keys.filter((k) => k.status === 'next')];
    expect(retired).toHaveLength(1);
    expect(retired[0]?.retiredAt).toBe(10);
    expect(active).toHaveLength(1);
    expect(next).toHaveLength(1);
    const second = rotated(first, 20);
    expect(activeKey(second, 'RS256')?.kid).toBe(next[0]?.kid);
  });

  it('rotate without enough fresh keys is refused and changes nothing', () => {
    expect(E.isLeft(rotate(start(['RS256'], 0), 1, []))).toBe(true);
  });

  it('prune drops a retired key exactly when its tokens have all expired', () => {
    const set = rotated(start(['ES256'], 0), 100);
    expect(prune(set, 100 + 599, 600).keys.some((k) => k.status === 'retired')).toBe(true);
    expect(prune(set, 100 + 600, 600).keys.some((k) => k.status === 'retired')).toBe(false);
  });

  it('published JWKS: public members only, with kid, alg and use', () => {
    const jwks = publishedJwks(rotated(start(['RS256', 'ES256'], 0), 5));
    expect(jwks.keys).toHaveLength(6);
    for (const k of jwks.keys) {
      for (const m of privateJwkMembers) expect(k).not.toHaveProperty(m);
      expect(k).toMatchObject({ use: 'sig' });
      expect(typeof k['kid']).toBe('string');
      expect(typeof k['alg']).toBe('string');
    }
  });

  it('property: always exactly one active key per algorithm; a token signed at any time stays verifiable until it expires', () => {
    fc.assert(
      fc.property(algsArb, opsArb, fc.integer({ min: 1, max: 4000 }), (algs, ops, lifetime) => {
        let now = 1000;
        let set = start(algs, now);
        /** Tokens signed along the way: the kid and when they expire. */
        const tokens: { kid: string; exp: number }[] = [];
        const check = () => {
          for (const alg of algs) expect(set.keys.filter((k) => k.alg === alg && k.status === 'active')).toHaveLength(1);
          const published = new Set(publishedJwks(prune(set, now, lifetime)).keys.map((k) => k['kid']));
          for (const t of tokens) if (t.exp > now) expect(published.has(t.kid)).toBe(true);
          for (const k of publishedJwks(set).keys) for (const m of privateJwkMembers) expect(k).not.toHaveProperty(m);
        };
        for (const { after, op } of ops) {
          for (const alg of algs) tokens.push({ kid: activeKey(set, alg)!.kid, exp: now + lifetime });
          now += after;
          set = op === 'rotate' ? prune(rotated(set, now), now, lifetime) : prune(set, now, lifetime);
          check();
        }
      }),
    );
  });

  it('property: retired keys do not accumulate beyond what unexpired tokens need', () => {
    fc.assert(
      fc.property(fc.array(fc.integer({ min: 1, max: 1000 }), { maxLength: 20 }), fc.integer({ min: 1, max: 1000 }), (gaps, lifetime) => {
        let now = 0;
        let set = start(['RS256'], now);
        for (const gap of gaps) {
          now += gap;
          set = prune(rotated(set, now), now, lifetime);
          for (const k of set.keys) if (k.status === 'retired') expect(k.retiredAt! + lifetime).toBeGreaterThan(now);
        }
      }),
    );
  });
});
