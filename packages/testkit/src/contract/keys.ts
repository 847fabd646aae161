/** Contract: the signing key set (`KeyStore`), when the store provides one. */
import { describe, expect, it } from 'vitest';
import * as O from 'fp-ts/lib/Option.js';
import type { KeySet, SigningKey } from '@grantor/core/extend';
import { ok, t0, uniqueHash, uniqueId, type ContractContext } from './harness.js';

/** A key with the members of an EC P-256 JWK (values are random: storage does not care). */
const signingKey = (o: Partial<SigningKey> = {}): SigningKey => {
  const kid = uniqueId('kid');
  const publicJwk = { kty: 'EC', crv: 'P-256', x: uniqueHash(), y: uniqueHash(), kid, alg: 'ES256', use: 'sig' };
  return { kid, alg: 'ES256', status: 'active', publicJwk, privateJwk: { ...publicJwk, d: uniqueHash() }, createdAt: t0, ...o };
};

/** Key order is not part of the contract (the core looks keys up by status and algorithm). */
const byKid = (set: O.Option<KeySet>) => (O.isSome(set) ? [...set.value.keys].sort((a, b) => (a.kid < b.kid ? -1 : a.kid > b.kid ? 1 : 0)) : undefined);

export const keyStoreContract = ({ store, isolation }: ContractContext): void => {
  describe('KeyStore', () => {
    it('load is None before the first save, then returns the saved set with every member', async ({ skip }) => {
      const keys = store().keys;
      if (keys === undefined) return skip('this store provides no KeyStore');
      if (isolation === 'test') expect(await ok(keys.load())).toEqual(O.none);
      const set: KeySet = {
        keys: [
          signingKey({ alg: 'RS256', status: 'retired', retiredAt: t0 + 100 }),
          signingKey(),
          signingKey({ status: 'next', createdAt: t0 + 200 }),
        ],
      };
      await ok(keys.save(set));
      expect(byKid(await ok(keys.load()))).toStrictEqual(byKid(O.some(set)));
    });

    it('save replaces the whole set: dropped keys disappear, changed statuses are kept', async ({ skip }) => {
      const keys = store().keys;
      if (keys === undefined) return skip('this store provides no KeyStore');
      const [old, active, next] = [signingKey({ status: 'retired', retiredAt: t0 }), signingKey(), signingKey({ status: 'next' })];
      await ok(keys.save({ keys: [old, active, next] }));
      const rotated: KeySet = { keys: [{ ...active, status: 'retired', retiredAt: t0 + 500 }, { ...next, status: 'active' }, signingKey({ status: 'next', createdAt: t0 + 500 })] };
      await ok(keys.save(rotated));
      expect(byKid(await ok(keys.load()))).toStrictEqual(byKid(O.some(rotated)));
    });
  });
};
