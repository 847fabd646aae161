/**
 * Contract: single-use operations stay single-use under concurrency. Every call of a race is started before any
 * completes, so a store that reads and then writes in two steps (instead of one compare-and-set) fails here.
 */
import { describe, expect, it } from 'vitest';
import * as O from 'fp-ts/lib/Option.js';
import { codeRecord, countTags, deviceCodeRecord, interactionRecord, ok, race, refreshTokenRecord, successorOf, t0, uniqueId, type ContractContext } from './harness.js';

export const concurrencyContract = ({ store, concurrency: n }: ContractContext): void => {
  describe(`concurrency (${n} concurrent callers)`, () => {
    it('redeem of one code: exactly one Consumed, the rest AlreadyConsumed', async () => {
      const code = codeRecord();
      await ok(store().authorizationCodes.save(code));
      const results = await race(n, (i) => ok(store().authorizationCodes.redeem(code.codeHash, t0 + 1 + i)));
      expect(countTags(results)).toEqual({ Consumed: 1, AlreadyConsumed: n - 1 });
    });

    it('rotate of one refresh token: exactly one Rotated, exactly one successor in the family', async () => {
      const token = refreshTokenRecord();
      await ok(store().refreshTokens.save(token));
      const successors = Array.from({ length: n }, () => successorOf(token));
      const results = await race(n, (i) => ok(store().refreshTokens.rotate(token.tokenHash, successors[i]!, t0 + 10)));
      expect(countTags(results)).toEqual({ Rotated: 1, NotActive: n - 1 });

      const after = await ok(store().refreshTokens.find(token.tokenHash));
      expect(O.isSome(after)).toBe(true);
      const winner = O.isSome(after) ? after.value.successorHash : undefined;
      const inserted: string[] = [];
      for (const s of successors) if (O.isSome(await ok(store().refreshTokens.find(s.tokenHash)))) inserted.push(s.tokenHash);
      expect(inserted).toEqual([winner]);
    });

    it('remember of one jti: exactly one true', async () => {
      const key = uniqueId('jti');
      const results = await race(n, () => ok(store().replay.remember(key, t0 + 60)));
      expect(results.filter((r) => r)).toHaveLength(1);
    });

    it('finish of one interaction: exactly one Consumed', async () => {
      const interaction = interactionRecord();
      await ok(store().interactions.save(interaction));
      const results = await race(n, (i) => ok(store().interactions.finish(interaction.id, t0 + i)));
      expect(countTags(results)).toEqual({ Consumed: 1, AlreadyConsumed: n - 1 });
    });

    it('decide and consume of one device authorization: exactly one of each succeeds', async () => {
      const device = deviceCodeRecord();
      await ok(store().deviceCodes.save(device));
      const decisions = await race(n, (i) =>
        ok(store().deviceCodes.decide(device.userCodeHash, i % 2 === 0 ? { approved: true, subject: `user-${i}`, scope: ['openid'], authTime: t0 } : { approved: false })),
      );
      expect(countTags(decisions)).toEqual({ Consumed: 1, AlreadyConsumed: n - 1 });
      const decided = await ok(store().deviceCodes.findByUserCode(device.userCodeHash));
      if (O.isSome(decided) && decided.value.status === 'denied') return;
      const consumed = await race(n, () => ok(store().deviceCodes.consume(device.deviceCodeHash)));
      expect(countTags(consumed)).toEqual({ Consumed: 1, AlreadyConsumed: n - 1 });
    });

    it('rotation racing the revocation of its family leaves no active token in the family', async () => {
      for (let round = 0; round < 5; round++) {
        const token = refreshTokenRecord();
        await ok(store().refreshTokens.save(token));
        const successors = Array.from({ length: n }, () => successorOf(token));
        await race(n + 1, (i) =>
          i === Math.floor(n / 2)
            ? ok(store().refreshTokens.revokeGrant(token.grantId, t0 + 20)).then(() => undefined)
            : ok(store().refreshTokens.rotate(token.tokenHash, successors[i > n / 2 ? i - 1 : i]!, t0 + 10)).then(() => undefined),
        );
        for (const hash of [token.tokenHash, ...successors.map((s) => s.tokenHash)]) {
          const found = await ok(store().refreshTokens.find(hash));
          if (O.isSome(found)) expect({ hash, revoked: found.value.revokedAt !== undefined }).toEqual({ hash, revoked: true });
        }
      }
    });
  });
};
