import { describe, expect, it } from 'vitest';
import fc from 'fast-check';
import { runStoreTask as ok } from '@grantor/testkit';
import { createMemoryLoginThrottle } from './index.js';

const t0 = 1_800_000_000;

describe('createMemoryLoginThrottle', () => {
  it('allows `limit` attempts per key and window, then refuses until the window ends', async () => {
    const throttle = createMemoryLoginThrottle({ limit: 3, windowSeconds: 60 });
    const results = [];
    for (let i = 0; i < 5; i++) results.push((await ok(throttle.hit('username:alice', t0 + i))).allowed);
    expect(results).toEqual([true, true, true, false, false]);
    expect((await ok(throttle.hit('username:bob', t0 + 5))).allowed).toBe(true);
    expect((await ok(throttle.hit('username:alice', t0 + 59))).allowed).toBe(false);
    expect((await ok(throttle.hit('username:alice', t0 + 60))).allowed).toBe(true);
  });

  it('property: within one window, exactly min(n, limit) of n attempts are allowed', async () => {
    await fc.assert(
      fc.asyncProperty(fc.integer({ min: 1, max: 10 }), fc.integer({ min: 0, max: 30 }), async (limit, n) => {
        const throttle = createMemoryLoginThrottle({ limit, windowSeconds: 1000 });
        const hits = await Promise.all(Array.from({ length: n }, (_, i) => ok(throttle.hit('k', t0 + i))));
        expect(hits.filter((h) => h.allowed)).toHaveLength(Math.min(n, limit));
      }),
    );
  });

  it('sweeps ended windows and bounds the number of keys', async () => {
    const throttle = createMemoryLoginThrottle({ limit: 1, windowSeconds: 10, maxKeys: 3 });
    for (const k of ['a', 'b', 'c', 'd']) await ok(throttle.hit(k, t0));
    expect(throttle.size()).toBe(3);
    expect(throttle.sweep(t0 + 10)).toBe(3);
    expect(throttle.size()).toBe(0);
  });

  it('refuses bad options at construction', () => {
    expect(() => createMemoryLoginThrottle({ limit: 0 })).toThrow(TypeError);
    expect(() => createMemoryLoginThrottle({ windowSeconds: 1.5 })).toThrow(TypeError);
  });
});
