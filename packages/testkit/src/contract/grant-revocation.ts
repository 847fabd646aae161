/**
 * Contract: revoking a grant holds whatever the interleaving. RFC 6749 §4.1.2 ("If an authorization code is used more
 * than once … SHOULD revoke … all tokens previously issued based on that authorization code") and RFC 9700 §4.14.2
 * (refresh-token reuse revokes the family) are enforced by `revokeGrant`; a replay may arrive while the winner is still
 * saving its tokens, so a token of a grant saved (or rotated into) after `revokeGrant` must come out revoked as well.
 *
 * The model: the winner of a code redemption makes the store calls [save access token, save refresh token], then
 * [rotate the refresh token]; the replay makes [refreshTokens.revokeGrant, accessTokens.revokeGrant] (the core's
 * order). Every interleaving of the two call sequences is run, call by call; afterwards no token of the grant may be
 * usable. A second check starts both sequences at once, so the stores' own statements interleave too.
 */
import { describe, expect, it } from 'vitest';
import fc from 'fast-check';
import * as O from 'fp-ts/lib/Option.js';
import { accessTokenRecord, ok, refreshTokenRecord, successorOf, t0, uniqueId, type ContractContext } from './harness.js';

type Step = () => Promise<unknown>;

/** One interleaving of `a` and `b` (each kept in order), picked by `choices` (true: take from `a`). */
const interleave = (a: readonly Step[], b: readonly Step[], choices: readonly boolean[]): Step[] => {
  const out: Step[] = [];
  let i = 0;
  let j = 0;
  for (const takeA of choices) {
    if (takeA && i < a.length) out.push(a[i++]!);
    else if (j < b.length) out.push(b[j++]!);
    else out.push(a[i++]!);
  }
  return [...out, ...a.slice(i), ...b.slice(j)];
};

/** A winner's issuance and a replay's revocation for one fresh grant; `check` asserts nothing of the grant is usable. */
const scenario = (ctx: ContractContext) => {
  const grantId = uniqueId('grant');
  const access = accessTokenRecord({ grantId });
  const refresh = refreshTokenRecord({ grantId });
  const next = successorOf(refresh);
  const s = ctx.store();
  const winner: Step[] = [
    () => ok(s.accessTokens.save(access)),
    () => ok(s.refreshTokens.save(refresh)),
    () => ok(s.refreshTokens.rotate(refresh.tokenHash, next, t0 + 10)),
  ];
  const replay: Step[] = [() => ok(s.refreshTokens.revokeGrant(grantId, t0 + 5)), () => ok(s.accessTokens.revokeGrant(grantId, t0 + 5))];
  const check = async (): Promise<void> => {
    const a = await ok(s.accessTokens.find(access.id));
    expect(O.isSome(a) && a.value.revokedAt !== undefined, 'access token revoked').toBe(true);
    for (const hash of [refresh.tokenHash, next.tokenHash]) {
      const r = await ok(s.refreshTokens.find(hash));
      if (O.isSome(r)) expect(r.value.revokedAt !== undefined, `refresh token ${hash === next.tokenHash ? 'successor' : 'first'} revoked`).toBe(true);
    }
    const another = successorOf(refresh, t0 + 30);
    expect((await ok(s.refreshTokens.rotate(refresh.tokenHash, another, t0 + 30)))._tag).toBe('NotActive');
    const found = await ok(s.refreshTokens.find(next.tokenHash));
    if (O.isSome(found)) expect((await ok(s.refreshTokens.rotate(next.tokenHash, successorOf(next, t0 + 31), t0 + 31)))._tag).toBe('NotActive');
  };
  return { winner, replay, check };
};

export const grantRevocationContract = (ctx: ContractContext): void => {
  describe('grant revocation (RFC 6749 §4.1.2, RFC 9700 §4.14.2)', () => {
    it('a token of a grant saved after revokeGrant is revoked: access and refresh tokens', async () => {
      const s = ctx.store();
      const grantId = uniqueId('grant');
      await ok(s.refreshTokens.revokeGrant(grantId, t0 + 5));
      await ok(s.accessTokens.revokeGrant(grantId, t0 + 5));
      const access = accessTokenRecord({ grantId });
      const refresh = refreshTokenRecord({ grantId });
      await ok(s.accessTokens.save(access));
      await ok(s.refreshTokens.save(refresh));
      expect(await ok(s.accessTokens.find(access.id))).toStrictEqual(O.some({ ...access, revokedAt: t0 + 5 }));
      expect(await ok(s.refreshTokens.find(refresh.tokenHash))).toStrictEqual(O.some({ ...refresh, revokedAt: t0 + 5 }));
      expect((await ok(s.refreshTokens.rotate(refresh.tokenHash, successorOf(refresh), t0 + 10)))._tag).toBe('NotActive');
    });

    it('tokens of other grants and tokens without a grant are untouched', async () => {
      const s = ctx.store();
      await ok(s.accessTokens.revokeGrant(uniqueId('grant'), t0 + 5));
      await ok(s.refreshTokens.revokeGrant(uniqueId('grant'), t0 + 5));
      const plain = accessTokenRecord();
      const other = accessTokenRecord({ grantId: uniqueId('grant') });
      const refresh = refreshTokenRecord();
      await ok(s.accessTokens.save(plain));
      await ok(s.accessTokens.save(other));
      await ok(s.refreshTokens.save(refresh));
      expect(await ok(s.accessTokens.find(plain.id))).toStrictEqual(O.some(plain));
      expect(await ok(s.accessTokens.find(other.id))).toStrictEqual(O.some(other));
      expect((await ok(s.refreshTokens.rotate(refresh.tokenHash, successorOf(refresh), t0 + 10)))._tag).toBe('Rotated');
    });

    it('every interleaving of an issuance and a replay, call by call, leaves no usable token of the grant', async () => {
      await fc.assert(
        fc.asyncProperty(fc.array(fc.boolean(), { minLength: 5, maxLength: 5 }), async (choices) => {
          const { winner, replay, check } = scenario(ctx);
          for (const step of interleave(winner, replay, choices)) await step();
          await check();
        }),
        { numRuns: Math.max(ctx.numRuns, 32) },
      );
    });

    it('an issuance and a replay started together leave no usable token of the grant', async () => {
      for (let round = 0; round < 10; round++) {
        const { winner, replay, check } = scenario(ctx);
        const run = async (steps: readonly Step[]) => {
          for (const step of steps) await step();
        };
        await Promise.all([run(winner), run(replay)]);
        await check();
      }
    });
  });
};
