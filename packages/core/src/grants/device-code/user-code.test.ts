import { describe, expect, it } from 'vitest';
import fc from 'fast-check';
import { formatUserCode, generateUserCode, normalizeUserCode, userCodeAlphabets } from './user-code.js';

const randomFrom = (ints: readonly number[]) => {
  let i = 0;
  return { token: () => 'x', int: (max: number) => (ints[i++ % ints.length] ?? 0) % max };
};

describe('user codes (RFC 8628 §6.1)', () => {
  it('defaults to 8 vowel-free consonants shown as XXXX-XXXX', () => {
    const code = generateUserCode(randomFrom([0, 1, 2, 3, 4, 5, 6, 19]), { length: 8, charset: 'consonants' });
    expect(code).toBe('BCDFGHJZ');
    expect(formatUserCode(code)).toBe('BCDF-GHJZ');
  });

  it('property: codes have the configured length and alphabet, and survive display and retyping', () => {
    fc.assert(
      fc.property(
        fc.array(fc.nat(1000), { minLength: 1 }),
        fc.integer({ min: 4, max: 16 }),
        fc.constantFrom('consonants' as const, 'numeric' as const, 'alphanumeric' as const),
        fc.boolean(),
        (ints, length, charset, spaces) => {
          const code = generateUserCode(randomFrom(ints), { length, charset });
          expect(code).toHaveLength(length);
          expect([...code].every((c) => userCodeAlphabets[charset].includes(c))).toBe(true);
          const typed = formatUserCode(code).toLowerCase().replace(/-/g, spaces ? ' ' : '-');
          expect(normalizeUserCode(` ${typed} `)).toBe(code);
          if (charset === 'consonants') expect(/[AEIOU]/.test(code)).toBe(false);
        },
      ),
    );
  });
});
