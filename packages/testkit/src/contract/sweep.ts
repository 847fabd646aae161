/** Contract: the sweeper deletes expired rows, and only those. */
import { describe, expect, it } from 'vitest';
import * as O from 'fp-ts/lib/Option.js';
import { accessTokenRecord, clientRecord, codeRecord, deviceCodeRecord, interactionRecord, ok, refreshTokenRecord, successorOf, t0, uniqueId, type ContractContext } from './harness.js';

/** Sweeps until a call removes nothing (sweeps work in bounded batches); returns the total removed. */
const sweepAll = async (ctx: ContractContext, now: number): Promise<number> => {
  let total = 0;
  for (let i = 0; i < 10_000; i++) {
    const removed = await ok(ctx.store().sweeper.sweep(now));
    expect(removed).toBeGreaterThanOrEqual(0);
    if (removed === 0) return total;
    total += removed;
  }
  throw new Error('sweep never reported 0 removed rows');
};

export const sweepContract = (ctx: ContractContext): void => {
  describe('Sweeper', () => {
    it('removes every expired row and keeps every live one', async () => {
      const s = ctx.store();
      const now = t0 + 1000;
      const expired = { issuedAt: t0, expiresAt: now - 1 };
      const live = { issuedAt: t0, expiresAt: now + 3600 };

      const codes = { gone: codeRecord(expired), kept: codeRecord(live) };
      const access = { gone: accessTokenRecord({ ...expired, grantId: uniqueId('grant') }), kept: accessTokenRecord({ ...live, grantId: uniqueId('grant') }) };
      const refresh = { gone: refreshTokenRecord(expired), kept: refreshTokenRecord(live) };
      const rotatedLive = refreshTokenRecord(live);
      const rotatedSuccessor = successorOf(rotatedLive, t0 + 10);
      const interactions = { gone: interactionRecord({ createdAt: t0, expiresAt: now - 1 }), kept: interactionRecord({ createdAt: t0, expiresAt: now + 60 }) };
      const devices = { gone: deviceCodeRecord(expired), kept: deviceCodeRecord(live) };
      const jti = { gone: uniqueId('jti'), kept: uniqueId('jti') };
      const client = clientRecord();
      const consent = { subject: uniqueId('user'), clientId: client.clientId, scope: ['openid'], grantedAt: t0 };

      for (const c of [codes.gone, codes.kept]) await ok(s.authorizationCodes.save(c));
      for (const a of [access.gone, access.kept]) await ok(s.accessTokens.save(a));
      for (const r of [refresh.gone, refresh.kept, rotatedLive]) await ok(s.refreshTokens.save(r));
      await ok(s.refreshTokens.rotate(rotatedLive.tokenHash, rotatedSuccessor, t0 + 10));
      for (const i of [interactions.gone, interactions.kept]) await ok(s.interactions.save(i));
      for (const d of [devices.gone, devices.kept]) await ok(s.deviceCodes.save(d));
      await ok(s.replay.remember(jti.gone, now - 1));
      await ok(s.replay.remember(jti.kept, now + 60));
      await ok(s.clients.save(client));
      await ok(s.consents.grant(consent));

      const removed = await sweepAll(ctx, now);
      if (ctx.isolation === 'test') expect(removed).toBe(6);
      else expect(removed).toBeGreaterThanOrEqual(6);

      expect(await ok(s.authorizationCodes.redeem(codes.gone.codeHash, now))).toEqual({ _tag: 'NotFound' });
      expect((await ok(s.authorizationCodes.redeem(codes.kept.codeHash, now)))._tag).toBe('Consumed');
      expect(await ok(s.accessTokens.find(access.gone.id))).toEqual(O.none);
      expect(await ok(s.accessTokens.find(access.kept.id))).toStrictEqual(O.some(access.kept));
      expect(await ok(s.refreshTokens.find(refresh.gone.tokenHash))).toEqual(O.none);
      expect(await ok(s.refreshTokens.find(refresh.kept.tokenHash))).toStrictEqual(O.some(refresh.kept));
      // A rotated token is kept until it expires: presenting it again must still be recognised as reuse.
      expect(O.isSome(await ok(s.refreshTokens.find(rotatedLive.tokenHash)))).toBe(true);
      expect(O.isSome(await ok(s.refreshTokens.find(rotatedSuccessor.tokenHash)))).toBe(true);
      expect(await ok(s.interactions.find(interactions.gone.id))).toEqual(O.none);
      expect(await ok(s.interactions.find(interactions.kept.id))).toStrictEqual(O.some(interactions.kept));
      expect(await ok(s.deviceCodes.findByUserCode(devices.gone.userCodeHash))).toEqual(O.none);
      expect(await ok(s.deviceCodes.poll(devices.gone.deviceCodeHash, now, 5))).toEqual({ _tag: 'NotFound' });
      expect(await ok(s.deviceCodes.findByUserCode(devices.kept.userCodeHash))).toStrictEqual(O.some(devices.kept));
      expect(await ok(s.replay.remember(jti.gone, now + 60))).toBe(true);
      expect(await ok(s.replay.remember(jti.kept, now + 60))).toBe(false);
      expect(await ok(s.clients.find(client.clientId))).toStrictEqual(O.some(client));
      expect(O.isSome(await ok(s.consents.find(consent.subject, consent.clientId)))).toBe(true);
    });

    it('treats a row as expired from its expiresAt on (the core\'s rule: expired when now >= expiresAt)', async () => {
      const s = ctx.store();
      const now = t0 + 500;
      const atBoundary = accessTokenRecord({ expiresAt: now });
      const oneLater = accessTokenRecord({ expiresAt: now + 1 });
      await ok(s.accessTokens.save(atBoundary));
      await ok(s.accessTokens.save(oneLater));
      await sweepAll(ctx, now);
      expect(await ok(s.accessTokens.find(atBoundary.id))).toEqual(O.none);
      expect(await ok(s.accessTokens.find(oneLater.id))).toStrictEqual(O.some(oneLater));
    });

    it('revoking a grant after its expired tokens were swept still revokes the live ones', async () => {
      const s = ctx.store();
      const now = t0 + 1000;
      const grantId = uniqueId('grant');
      const old = accessTokenRecord({ grantId, expiresAt: now - 1 });
      const current = accessTokenRecord({ grantId, expiresAt: now + 600 });
      await ok(s.accessTokens.save(old));
      await ok(s.accessTokens.save(current));
      await sweepAll(ctx, now);
      await ok(s.accessTokens.revokeGrant(grantId, now));
      expect(await ok(s.accessTokens.find(current.id))).toStrictEqual(O.some({ ...current, revokedAt: now }));
      expect(await ok(s.accessTokens.find(old.id))).toEqual(O.none);
    });
  });
};
