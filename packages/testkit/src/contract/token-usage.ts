/** Contract: usage tracking (`TokenUsageStore`: access tokens' `lastUsedAt`), when provided. */
import { describe, expect, it } from 'vitest';
import * as O from 'fp-ts/lib/Option.js';
import { accessTokenRecord, ok, t0, uniqueHash, type ContractContext } from './harness.js';

export const tokenUsageContract = ({ store }: ContractContext): void => {
  describe('TokenUsageStore', () => {
    it('records uses in a batch: lastUsedAt only moves forward, unknown ids are ignored, the count says what changed', async ({ skip }) => {
      const usage = store().accessTokenUsage;
      if (usage === undefined) return skip('this store provides no TokenUsageStore');
      const a = accessTokenRecord();
      const b = accessTokenRecord({ format: 'jwt', id: uniqueHash() });
      await ok(store().accessTokens.save(a));
      await ok(store().accessTokens.save(b));
      const lastUsed = async (id: string) => {
        const found = await ok(store().accessTokens.find(id));
        return O.isSome(found) ? found.value.lastUsedAt : 'missing';
      };
      expect(await lastUsed(a.id)).toBeUndefined();
      expect(await ok(usage.recordUses([]))).toBe(0);
      expect(await ok(usage.recordUses([{ id: a.id, at: t0 + 10 }, { id: uniqueHash(), at: t0 + 10 }, { id: b.id, at: t0 + 5 }]))).toBe(2);
      expect(await lastUsed(a.id)).toBe(t0 + 10);
      expect(await lastUsed(b.id)).toBe(t0 + 5);
      // An older use (a late batch from another node) never moves the time back; a newer one moves it on.
      expect(await ok(usage.recordUses([{ id: a.id, at: t0 + 3 }, { id: b.id, at: t0 + 20 }]))).toBe(1);
      expect(await lastUsed(a.id)).toBe(t0 + 10);
      expect(await lastUsed(b.id)).toBe(t0 + 20);
      // Revocation and the rest of the record are untouched by usage writes, and usage survives a revocation.
      await ok(store().accessTokens.revoke(a.id, t0 + 30));
      expect(await ok(store().accessTokens.find(a.id))).toEqual(O.some({ ...a, revokedAt: t0 + 30, lastUsedAt: t0 + 10 }));
    });

    it("the operator's token list shows lastUsedAt", async ({ skip }) => {
      const usage = store().accessTokenUsage;
      const admin = store().admin;
      if (usage === undefined || admin === undefined) return skip('this store provides no TokenUsageStore or AdminStore');
      const a = accessTokenRecord();
      await ok(store().accessTokens.save(a));
      await ok(usage.recordUses([{ id: a.id, at: t0 + 7 }]));
      const page = await ok(admin.listTokens({ clientId: a.clientId, kind: 'access_token', limit: 100, now: t0 }));
      expect(page.items.find((e) => e.kind === 'access_token' && e.record.id === a.id)?.record).toMatchObject({ lastUsedAt: t0 + 7 });
    });
  });
};
