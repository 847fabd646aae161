/** Contract: the `client_secret_jwt` secrets (`ClientSecretJwtKeyStore`, RFC 7523 §2.2 HMAC keys), when provided. */
import { describe, expect, it } from 'vitest';
import * as O from 'fp-ts/lib/Option.js';
import { clientRecord, ok, race, uniqueHash, uniqueId, type ContractContext } from './harness.js';

export const clientSecretJwtKeysContract = ({ store, concurrency }: ContractContext): void => {
  describe('ClientSecretJwtKeyStore', () => {
    it('secretFor is None before save, then the exact secret (any characters), replaced by a later save', async ({ skip }) => {
      const keys = store().clientSecretJwtKeys;
      if (keys === undefined) return skip('this store provides no ClientSecretJwtKeyStore');
      const client = clientRecord({ clientId: uniqueId('hmac'), tokenEndpointAuthMethod: 'client_secret_jwt' });
      expect(await ok(keys.secretFor(client))).toEqual(O.none);
      const secret = `${uniqueHash()} é\u{1F511}:/+=`;
      await ok(keys.save(client.clientId, secret));
      expect(await ok(keys.secretFor(client))).toEqual(O.some(secret));
      await ok(keys.save(client.clientId, 'second'));
      expect(await ok(keys.secretFor(client))).toEqual(O.some('second'));
    });

    it('remove forgets the secret (and removing twice is harmless); other clients keep theirs', async ({ skip }) => {
      const keys = store().clientSecretJwtKeys;
      if (keys === undefined) return skip('this store provides no ClientSecretJwtKeyStore');
      const [a, b] = [uniqueId('hmac'), uniqueId('hmac')].map((clientId) => clientRecord({ clientId, tokenEndpointAuthMethod: 'client_secret_jwt' }));
      if (a === undefined || b === undefined) throw new Error('unreachable');
      await ok(keys.save(a.clientId, 'a-secret'));
      await ok(keys.save(b.clientId, 'b-secret'));
      await ok(keys.remove(a.clientId));
      await ok(keys.remove(a.clientId));
      expect(await ok(keys.secretFor(a))).toEqual(O.none);
      expect(await ok(keys.secretFor(b))).toEqual(O.some('b-secret'));
    });

    it('answers None for a client registered with another method, even when a secret was saved for its id', async ({ skip }) => {
      const keys = store().clientSecretJwtKeys;
      if (keys === undefined) return skip('this store provides no ClientSecretJwtKeyStore');
      const client = clientRecord({ clientId: uniqueId('basic'), tokenEndpointAuthMethod: 'client_secret_basic' });
      await ok(keys.save(client.clientId, 'left-behind'));
      expect(await ok(keys.secretFor(client))).toEqual(O.none);
    });

    it('concurrent saves of one client leave exactly one of the saved secrets', async ({ skip }) => {
      const keys = store().clientSecretJwtKeys;
      if (keys === undefined) return skip('this store provides no ClientSecretJwtKeyStore');
      const client = clientRecord({ clientId: uniqueId('hmac'), tokenEndpointAuthMethod: 'client_secret_jwt' });
      const n = Math.min(concurrency, 10);
      await race(n, (i) => ok(keys.save(client.clientId, `secret-${i}`)));
      const found = await ok(keys.secretFor(client));
      expect(O.isSome(found) && /^secret-\d+$/.test(found.value)).toBe(true);
    });
  });
};
