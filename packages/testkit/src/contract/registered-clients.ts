/** Contract: RFC 7591 / RFC 7592 — deleting clients and listing the registered ones. */
import { describe, expect, it } from 'vitest';
import * as O from 'fp-ts/lib/Option.js';
import { clientRecord, ok, t0, uniqueHash, uniqueId, type ContractContext } from './harness.js';

export const registeredClientsContract = ({ store }: ContractContext): void => {
  const registered = () => {
    const port = store().registeredClients;
    if (port === undefined) throw new Error('unreachable: skipped without registeredClients');
    return port;
  };
  describe('RegisteredClientStore', () => {
    it('remove deletes the client (find is None at once) and reports whether it existed', async ({ skip }) => {
      if (store().registeredClients === undefined) return skip('this store provides no RegisteredClientStore');
      const client = clientRecord({ registration: { accessTokenHash: uniqueHash(), registeredAt: t0 } });
      await ok(store().clients.save(client));
      expect(await ok(store().clients.find(client.clientId))).toStrictEqual(O.some(client));
      expect(await ok(registered().remove(client.clientId))).toBe(true);
      expect(await ok(store().clients.find(client.clientId))).toEqual(O.none);
      expect(await ok(registered().remove(client.clientId))).toBe(false);
      expect(await ok(registered().remove(uniqueId('never')))).toBe(false);
    });

    it("remove takes a client_secret_jwt client's key with it", async ({ skip }) => {
      const keys = store().clientSecretJwtKeys;
      if (store().registeredClients === undefined || keys === undefined) return skip('this store provides no RegisteredClientStore or ClientSecretJwtKeyStore');
      const client = clientRecord({ tokenEndpointAuthMethod: 'client_secret_jwt' });
      await ok(store().clients.save(client));
      await ok(keys.save(client.clientId, 'a-shared-secret-of-enough-length-0123456789'));
      await ok(registered().remove(client.clientId));
      expect(await ok(keys.secretFor(client))).toEqual(O.none);
    });

    it('listRegistered lists the clients that have a registration, and no other', async ({ skip }) => {
      if (store().registeredClients === undefined) return skip('this store provides no RegisteredClientStore');
      const dynamic = clientRecord({ registration: { accessTokenHash: uniqueHash(), registeredAt: t0 } });
      const fixed = clientRecord();
      await ok(store().clients.save(dynamic));
      await ok(store().clients.save(fixed));
      const ids = (await ok(registered().listRegistered())).map((c) => c.clientId);
      expect(ids).toContain(dynamic.clientId);
      expect(ids).not.toContain(fixed.clientId);
      const listed = (await ok(registered().listRegistered())).find((c) => c.clientId === dynamic.clientId);
      expect(listed).toStrictEqual(dynamic);
    });
  });
};
