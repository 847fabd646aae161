/** Contract: authorization codes, access tokens and refresh-token families. */
import { describe, expect, it } from 'vitest';
import fc from 'fast-check';
import * as O from 'fp-ts/lib/Option.js';
import { accessTokenRecordArb, authorizationCodeRecordArb, refreshTokenRecordArb } from '../arbitraries/index.js';
import { accessTokenRecord, codeRecord, ok, refreshTokenRecord, successorOf, t0, uniqueHash, uniqueId, type ContractContext } from './harness.js';

export const authorizationCodeContract = ({ store, numRuns }: ContractContext): void => {
  describe('AuthorizationCodeStore', () => {
    it('redeem of an unknown code is NotFound', async () => {
      expect(await ok(store().authorizationCodes.redeem(uniqueHash(), t0))).toEqual({ _tag: 'NotFound' });
    });

    it('the first redeem is Consumed with the record as saved; every later one is AlreadyConsumed (RFC 6749 §4.1.2)', async () => {
      const code = codeRecord();
      await ok(store().authorizationCodes.save(code));
      expect(await ok(store().authorizationCodes.redeem(code.codeHash, t0 + 5))).toStrictEqual({ _tag: 'Consumed', record: code });
      const again = await ok(store().authorizationCodes.redeem(code.codeHash, t0 + 9));
      expect(again).toStrictEqual({ _tag: 'AlreadyConsumed', record: { ...code, redeemedAt: t0 + 5 } });
      expect(await ok(store().authorizationCodes.redeem(code.codeHash, t0 + 20))).toStrictEqual(again);
    });

    it('does not judge expiry: an expired code that was not swept is still Consumed, with its record', async () => {
      const code = codeRecord({ expiresAt: t0 + 1 });
      await ok(store().authorizationCodes.save(code));
      expect(await ok(store().authorizationCodes.redeem(code.codeHash, t0 + 3600))).toStrictEqual({ _tag: 'Consumed', record: code });
    });

    it('keeps every member of arbitrary records (round trip through redeem)', async () => {
      await fc.assert(
        fc.asyncProperty(authorizationCodeRecordArb({ issuedAt: t0 }), async (code) => {
          await ok(store().authorizationCodes.save(code));
          expect(await ok(store().authorizationCodes.redeem(code.codeHash, t0 + 1))).toStrictEqual({ _tag: 'Consumed', record: code });
        }),
        { numRuns },
      );
    });
  });
};

export const accessTokenContract = ({ store, numRuns }: ContractContext): void => {
  describe('AccessTokenStore', () => {
    it('find of an unknown id is None', async () => {
      expect(await ok(store().accessTokens.find(uniqueHash()))).toEqual(O.none);
    });

    it('find returns arbitrary saved records unchanged', async () => {
      await fc.assert(
        fc.asyncProperty(accessTokenRecordArb(), async (token) => {
          await ok(store().accessTokens.save(token));
          expect(await ok(store().accessTokens.find(token.id))).toStrictEqual(O.some(token));
        }),
        { numRuns },
      );
    });

    it('revoke marks the token revoked at the first revocation and is idempotent (RFC 7009 §2.2)', async () => {
      const token = accessTokenRecord();
      await ok(store().accessTokens.save(token));
      await ok(store().accessTokens.revoke(token.id, t0 + 7));
      await ok(store().accessTokens.revoke(token.id, t0 + 9));
      expect(await ok(store().accessTokens.find(token.id))).toStrictEqual(O.some({ ...token, revokedAt: t0 + 7 }));
    });

    it('revoke of an unknown id succeeds and creates nothing', async () => {
      const id = uniqueHash();
      await ok(store().accessTokens.revoke(id, t0));
      expect(await ok(store().accessTokens.find(id))).toEqual(O.none);
    });

    it('revokeGrant revokes every access token of the grant and nothing else', async () => {
      const grantId = uniqueId('grant');
      const mine = [accessTokenRecord({ grantId }), accessTokenRecord({ grantId, format: 'jwt', id: uniqueId('jti') }), accessTokenRecord({ grantId })];
      const others = [accessTokenRecord({ grantId: uniqueId('grant') }), accessTokenRecord()];
      const sameFamilyRefresh = refreshTokenRecord({ grantId });
      for (const t of [...mine, ...others]) await ok(store().accessTokens.save(t));
      await ok(store().refreshTokens.save(sameFamilyRefresh));
      await ok(store().accessTokens.revokeGrant(grantId, t0 + 30));
      for (const t of mine) expect(await ok(store().accessTokens.find(t.id))).toStrictEqual(O.some({ ...t, revokedAt: t0 + 30 }));
      for (const t of others) expect(await ok(store().accessTokens.find(t.id))).toStrictEqual(O.some(t));
      expect(await ok(store().refreshTokens.find(sameFamilyRefresh.tokenHash))).toStrictEqual(O.some(sameFamilyRefresh));
    });

    it('revokeGrant keeps the first revocation instant of tokens revoked before, and accepts unknown grants', async () => {
      const grantId = uniqueId('grant');
      const early = accessTokenRecord({ grantId });
      await ok(store().accessTokens.save(early));
      await ok(store().accessTokens.revoke(early.id, t0 + 1));
      await ok(store().accessTokens.revokeGrant(grantId, t0 + 2));
      await ok(store().accessTokens.revokeGrant(uniqueId('grant'), t0 + 2));
      expect(await ok(store().accessTokens.find(early.id))).toStrictEqual(O.some({ ...early, revokedAt: t0 + 1 }));
    });
  });
};

export const refreshTokenContract = ({ store, numRuns }: ContractContext): void => {
  describe('RefreshTokenStore', () => {
    it('find of an unknown hash is None; arbitrary saved records come back unchanged', async () => {
      expect(await ok(store().refreshTokens.find(uniqueHash()))).toEqual(O.none);
      await fc.assert(
        fc.asyncProperty(refreshTokenRecordArb(), async (token) => {
          await ok(store().refreshTokens.save(token));
          expect(await ok(store().refreshTokens.find(token.tokenHash))).toStrictEqual(O.some(token));
        }),
        { numRuns },
      );
    });

    it('rotate of an unknown token is NotFound and inserts nothing', async () => {
      const successor = refreshTokenRecord();
      expect(await ok(store().refreshTokens.rotate(uniqueHash(), successor, t0))).toEqual({ _tag: 'NotFound' });
      expect(await ok(store().refreshTokens.find(successor.tokenHash))).toEqual(O.none);
    });

    it('rotate marks the token rotated, links and inserts the successor (RFC 9700 §4.14.2)', async () => {
      const token = refreshTokenRecord();
      const successor = successorOf(token);
      await ok(store().refreshTokens.save(token));
      expect(await ok(store().refreshTokens.rotate(token.tokenHash, successor, t0 + 10))).toStrictEqual({ _tag: 'Rotated', previous: token });
      expect(await ok(store().refreshTokens.find(token.tokenHash))).toStrictEqual(
        O.some({ ...token, rotatedAt: t0 + 10, successorHash: successor.tokenHash }),
      );
      expect(await ok(store().refreshTokens.find(successor.tokenHash))).toStrictEqual(O.some(successor));
    });

    it('a rotated token is NotActive and a second successor is never inserted', async () => {
      const token = refreshTokenRecord();
      const first = successorOf(token);
      const second = successorOf(token, t0 + 20);
      await ok(store().refreshTokens.save(token));
      await ok(store().refreshTokens.rotate(token.tokenHash, first, t0 + 10));
      expect(await ok(store().refreshTokens.rotate(token.tokenHash, second, t0 + 20))).toStrictEqual({
        _tag: 'NotActive',
        previous: { ...token, rotatedAt: t0 + 10, successorHash: first.tokenHash },
      });
      expect(await ok(store().refreshTokens.find(second.tokenHash))).toEqual(O.none);
    });

    it('a revoked token is NotActive and nothing is inserted', async () => {
      const token = refreshTokenRecord();
      const successor = successorOf(token);
      await ok(store().refreshTokens.save(token));
      await ok(store().refreshTokens.revokeGrant(token.grantId, t0 + 5));
      expect(await ok(store().refreshTokens.rotate(token.tokenHash, successor, t0 + 10))).toStrictEqual({
        _tag: 'NotActive',
        previous: { ...token, revokedAt: t0 + 5 },
      });
      expect(await ok(store().refreshTokens.find(successor.tokenHash))).toEqual(O.none);
    });

    it('revokeGrant revokes the whole family, rotated members and successors included, and no other family', async () => {
      const first = refreshTokenRecord();
      const second = successorOf(first, t0 + 10);
      const third = successorOf(second, t0 + 20);
      const stranger = refreshTokenRecord();
      await ok(store().refreshTokens.save(first));
      await ok(store().refreshTokens.save(stranger));
      await ok(store().refreshTokens.rotate(first.tokenHash, second, t0 + 10));
      await ok(store().refreshTokens.rotate(second.tokenHash, third, t0 + 20));
      await ok(store().refreshTokens.revokeGrant(first.grantId, t0 + 30));
      for (const hash of [first.tokenHash, second.tokenHash, third.tokenHash]) {
        const found = await ok(store().refreshTokens.find(hash));
        expect(O.isSome(found) && found.value.revokedAt).toBe(t0 + 30);
      }
      expect(await ok(store().refreshTokens.find(stranger.tokenHash))).toStrictEqual(O.some(stranger));
      await ok(store().refreshTokens.revokeGrant(first.grantId, t0 + 40));
      const again = await ok(store().refreshTokens.find(third.tokenHash));
      expect(O.isSome(again) && again.value.revokedAt).toBe(t0 + 30);
    });
  });
};
