import { describe, expect, it } from 'vitest';
import fc from 'fast-check';
import { capturingLogger, fakeClock, seededRandom, sha256SecretHasher } from './fakes.js';

describe('fakeClock', () => {
  it('stays put until set or advanced', () => {
    const clock = fakeClock(1000);
    expect(clock.now()).toBe(1000);
    clock.advance(30);
    expect(clock.now()).toBe(1030);
    clock.set(5);
    expect(clock.now()).toBe(5);
  });
});

describe('seededRandom', () => {
  it('is deterministic per seed and differs across seeds', () => {
    expect(seededRandom(7).token(32)).toBe(seededRandom(7).token(32));
    expect(seededRandom(7).token(32)).not.toBe(seededRandom(8).token(32));
  });

  it('token(n) is base64url of n bytes without padding', () => {
    fc.assert(
      fc.property(fc.integer(), fc.nat(200), (seed, n) => {
        const t = seededRandom(seed).token(n);
        expect(t).toMatch(/^[A-Za-z0-9_-]*$/);
        expect(Buffer.from(t, 'base64url').length).toBe(n);
      }),
    );
  });

  it('int(max) stays in [0, max)', () => {
    fc.assert(
      fc.property(fc.integer(), fc.integer({ min: 1, max: 2 ** 32 }), (seed, max) => {
        const r = seededRandom(seed);
        for (let i = 0; i < 20; i++) {
          const v = r.int(max);
          expect(Number.isInteger(v) && v >= 0 && v < max).toBe(true);
        }
      }),
    );
  });
});

describe('sha256SecretHasher', () => {
  const hasher = sha256SecretHasher();

  it('hashes to base64url SHA-256 (FIPS 180-2 "abc" vector)', () => {
    expect(hasher.hash('abc')).toBe('ungWv48Bz-pBQUDeXa4iI7ADYaOWF3qctBD_YfIAFa0');
  });

  it('verify accepts exactly the value that was hashed', () => {
    fc.assert(
      fc.property(fc.string(), fc.string(), (a, b) => {
        expect(hasher.verify(a, hasher.hash(a))).toBe(true);
        expect(hasher.verify(b, hasher.hash(a))).toBe(a === b);
      }),
    );
  });

  it('verify rejects malformed expected hashes without throwing', () => {
    for (const bad of ['', 'abc', '!!!!', hasher.hash('x') + 'A', hasher.hash('x').slice(1)]) expect(hasher.verify('x', bad)).toBe(false);
  });
});

describe('capturingLogger', () => {
  it('keeps entries and filters them by level and text', () => {
    const logger = capturingLogger();
    logger.log('warn', 'store slow', { ms: 3 });
    logger.log('error', 'store down');
    expect(logger.entries).toHaveLength(2);
    expect(logger.at('error', 'down')).toEqual([{ level: 'error', message: 'store down', fields: {} }]);
    logger.clear();
    expect(logger.entries).toHaveLength(0);
  });
});
