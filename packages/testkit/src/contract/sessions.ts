/** Contract: clients, consent, interactions, device authorizations and the replay cache. */
import { describe, expect, it } from 'vitest';
import fc from 'fast-check';
import * as O from 'fp-ts/lib/Option.js';
import { clientArb, interactionRecordArb } from '../arbitraries/index.js';
import { clientRecord, deviceCodeRecord, interactionRecord, ok, t0, uniqueHash, uniqueId, type ContractContext } from './harness.js';

export const clientContract = ({ store, numRuns }: ContractContext): void => {
  describe('ClientStore', () => {
    it('find of an unknown client is None; arbitrary saved clients come back unchanged', async () => {
      expect(await ok(store().clients.find(uniqueId('client')))).toEqual(O.none);
      await fc.assert(
        fc.asyncProperty(clientArb, async (arbitrary) => {
          const client = { ...arbitrary, clientId: uniqueId(arbitrary.clientId) };
          await ok(store().clients.save(client));
          expect(await ok(store().clients.find(client.clientId))).toStrictEqual(O.some(client));
        }),
        { numRuns },
      );
    });

    it('save replaces a client (secret rotation)', async () => {
      const client = clientRecord();
      const rotated = { ...client, secretHashes: [{ hash: uniqueHash(), expiresAt: t0 + 10 }, { hash: uniqueHash() }] };
      await ok(store().clients.save(client));
      await ok(store().clients.save(rotated));
      expect(await ok(store().clients.find(client.clientId))).toStrictEqual(O.some(rotated));
    });
  });
};

const sorted = (o: O.Option<{ readonly scope: readonly string[] }>) => (O.isSome(o) ? [...o.value.scope].sort() : undefined);

export const consentContract = ({ store }: ContractContext): void => {
  describe('ConsentStore', () => {
    it('grant adds scopes to the remembered consent (a union), per subject and client', async () => {
      const subject = uniqueId('user');
      const clientId = uniqueId('client');
      expect(await ok(store().consents.find(subject, clientId))).toEqual(O.none);
      await ok(store().consents.grant({ subject, clientId, scope: ['openid', 'profile'], grantedAt: t0 }));
      await ok(store().consents.grant({ subject, clientId, scope: ['profile', 'email'], grantedAt: t0 + 5 }));
      const found = await ok(store().consents.find(subject, clientId));
      expect(sorted(found)).toEqual(['email', 'openid', 'profile']);
      expect(O.isSome(found) && [found.value.subject, found.value.clientId]).toEqual([subject, clientId]);
      expect(await ok(store().consents.find(subject, uniqueId('client')))).toEqual(O.none);
      expect(await ok(store().consents.find(uniqueId('user'), clientId))).toEqual(O.none);
    });

    it('revoke forgets the consent of that subject for that client only', async () => {
      const subject = uniqueId('user');
      const [a, b] = [uniqueId('client'), uniqueId('client')];
      await ok(store().consents.grant({ subject, clientId: a, scope: ['openid'], grantedAt: t0 }));
      await ok(store().consents.grant({ subject, clientId: b, scope: ['email'], grantedAt: t0 }));
      await ok(store().consents.revoke(subject, a));
      await ok(store().consents.revoke(subject, uniqueId('client')));
      expect(await ok(store().consents.find(subject, a))).toEqual(O.none);
      expect(sorted(await ok(store().consents.find(subject, b)))).toEqual(['email']);
    });
  });
};

export const interactionContract = ({ store, numRuns }: ContractContext): void => {
  describe('InteractionStore', () => {
    it('find of an unknown id is None; arbitrary saved interactions come back unchanged', async () => {
      expect(await ok(store().interactions.find(uniqueHash()))).toEqual(O.none);
      await fc.assert(
        fc.asyncProperty(interactionRecordArb(), async (interaction) => {
          await ok(store().interactions.save(interaction));
          expect(await ok(store().interactions.find(interaction.id))).toStrictEqual(O.some(interaction));
        }),
        { numRuns },
      );
    });

    it('finish succeeds once (Consumed with the unfinished record), then AlreadyConsumed; unknown ids are NotFound', async () => {
      const interaction = interactionRecord();
      await ok(store().interactions.save(interaction));
      expect(await ok(store().interactions.finish(uniqueHash(), t0))).toEqual({ _tag: 'NotFound' });
      expect(await ok(store().interactions.finish(interaction.id, t0 + 30))).toStrictEqual({ _tag: 'Consumed', record: interaction });
      const finished = { ...interaction, finishedAt: t0 + 30 };
      expect(await ok(store().interactions.finish(interaction.id, t0 + 40))).toStrictEqual({ _tag: 'AlreadyConsumed', record: finished });
      expect(await ok(store().interactions.find(interaction.id))).toStrictEqual(O.some(finished));
    });
  });
};

export const deviceCodeContract = ({ store }: ContractContext): void => {
  describe('DeviceCodeStore', () => {
    it('findByUserCode finds a saved authorization by its user-code hash only', async () => {
      const device = deviceCodeRecord();
      await ok(store().deviceCodes.save(device));
      expect(await ok(store().deviceCodes.findByUserCode(device.userCodeHash))).toStrictEqual(O.some(device));
      expect(await ok(store().deviceCodes.findByUserCode(device.deviceCodeHash))).toEqual(O.none);
    });

    it('decide approves a pending authorization once (RFC 8628 §3.3); a later decision changes nothing', async () => {
      const device = deviceCodeRecord();
      await ok(store().deviceCodes.save(device));
      const decision = { approved: true as const, subject: 'alice', scope: ['openid'], authTime: t0 + 50 };
      expect(await ok(store().deviceCodes.decide(device.userCodeHash, decision))).toStrictEqual({ _tag: 'Consumed', record: device });
      const approved = { ...device, status: 'approved' as const, subject: 'alice', grantedScope: ['openid'], authTime: t0 + 50 };
      expect(await ok(store().deviceCodes.decide(device.userCodeHash, { approved: false }))).toStrictEqual({ _tag: 'AlreadyConsumed', record: approved });
      expect(await ok(store().deviceCodes.findByUserCode(device.userCodeHash))).toStrictEqual(O.some(approved));
    });

    it('a device authorization keeps its RFC 8707 resources through decide and consume', async () => {
      const device = { ...deviceCodeRecord(), resource: ['https://api.example.test/', 'urn:example:resource'] };
      await ok(store().deviceCodes.save(device));
      expect(await ok(store().deviceCodes.findByUserCode(device.userCodeHash))).toStrictEqual(O.some(device));
      await ok(store().deviceCodes.decide(device.userCodeHash, { approved: true, subject: 'alice', scope: device.scope, authTime: t0 + 5 }));
      const consumed = await ok(store().deviceCodes.consume(device.deviceCodeHash));
      expect(consumed._tag === 'Consumed' ? consumed.record.resource : undefined).toEqual(device.resource);
    });

    it('decide can deny; unknown user codes are NotFound', async () => {
      const device = deviceCodeRecord();
      await ok(store().deviceCodes.save(device));
      expect(await ok(store().deviceCodes.decide(uniqueHash(), { approved: false }))).toEqual({ _tag: 'NotFound' });
      expect((await ok(store().deviceCodes.decide(device.userCodeHash, { approved: false })))._tag).toBe('Consumed');
      expect(await ok(store().deviceCodes.findByUserCode(device.userCodeHash))).toStrictEqual(O.some({ ...device, status: 'denied' }));
    });

    it('poll records lastPolledAt and the interval, returning the record as it was before (RFC 8628 §3.5)', async () => {
      const device = deviceCodeRecord();
      await ok(store().deviceCodes.save(device));
      expect(await ok(store().deviceCodes.poll(uniqueHash(), t0, 5))).toEqual({ _tag: 'NotFound' });
      expect(await ok(store().deviceCodes.poll(device.deviceCodeHash, t0 + 5, 5))).toStrictEqual({ _tag: 'Polled', previous: device });
      expect(await ok(store().deviceCodes.poll(device.deviceCodeHash, t0 + 7, 10))).toStrictEqual({
        _tag: 'Polled',
        previous: { ...device, lastPolledAt: t0 + 5, interval: 5 },
      });
      expect(await ok(store().deviceCodes.findByUserCode(device.userCodeHash))).toStrictEqual(O.some({ ...device, lastPolledAt: t0 + 7, interval: 10 }));
    });

    it('consume hands an approved authorization over once; pending and denied ones are left as they are', async () => {
      const device = deviceCodeRecord();
      const denied = deviceCodeRecord();
      await ok(store().deviceCodes.save(device));
      await ok(store().deviceCodes.save(denied));
      expect(await ok(store().deviceCodes.consume(uniqueHash()))).toEqual({ _tag: 'NotFound' });
      const early = await ok(store().deviceCodes.consume(device.deviceCodeHash));
      expect(early).toStrictEqual({ _tag: 'AlreadyConsumed', record: device });
      await ok(store().deviceCodes.decide(denied.userCodeHash, { approved: false }));
      expect(await ok(store().deviceCodes.consume(denied.deviceCodeHash))).toStrictEqual({ _tag: 'AlreadyConsumed', record: { ...denied, status: 'denied' } });

      await ok(store().deviceCodes.decide(device.userCodeHash, { approved: true, subject: 'bob', scope: ['openid'], authTime: t0 }));
      const approved = { ...device, status: 'approved' as const, subject: 'bob', grantedScope: ['openid'], authTime: t0 };
      expect(await ok(store().deviceCodes.consume(device.deviceCodeHash))).toStrictEqual({ _tag: 'Consumed', record: approved });
      expect(await ok(store().deviceCodes.consume(device.deviceCodeHash))).toStrictEqual({ _tag: 'AlreadyConsumed', record: { ...approved, status: 'consumed' } });
    });
  });
};

export const replayContract = ({ store }: ContractContext): void => {
  describe('ReplayCache', () => {
    it('remember is true for a new key and false for every later use of it (RFC 7523 §3)', async () => {
      const key = uniqueId('jti');
      expect(await ok(store().replay.remember(key, t0 + 60))).toBe(true);
      expect(await ok(store().replay.remember(key, t0 + 60))).toBe(false);
      expect(await ok(store().replay.remember(key, t0 + 120))).toBe(false);
      expect(await ok(store().replay.remember(uniqueId('jti'), t0 + 60))).toBe(true);
    });
  });
};
