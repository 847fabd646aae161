/** Contract: RFC 9126 pushed requests are kept unchanged and used at most once, also under concurrency. */
import { describe, expect, it } from 'vitest';
import type { PushedRequestRecord, PushedRequestStore } from '@grantor/core/extend';
import { countTags, ok, race, t0, uniqueHash, type ContractContext } from './harness.js';

const pushedRecord = (o: Partial<PushedRequestRecord> = {}): PushedRequestRecord => ({
  requestUriHash: uniqueHash(),
  clientId: 'contract-client',
  params: { response_type: ['code'], scope: ['openid profile'], resource: ['https://a.example/', 'https://b.example/'], state: ['ü ✓ "x"'] },
  createdAt: t0,
  expiresAt: t0 + 60,
  ...o,
});

export const pushedRequestContract = ({ store, concurrency: n }: ContractContext): void => {
  const port = (): PushedRequestStore | undefined => store().pushedRequests;
  describe('PushedRequestStore', () => {
    it('use returns the saved record unchanged once (Consumed), then AlreadyConsumed with usedAt; unknown is NotFound', async ({ skip }) => {
      const pushed = port();
      if (pushed === undefined) return skip('this store provides no PushedRequestStore');
      const record = pushedRecord();
      await ok(pushed.save(record));
      expect(await ok(pushed.use(uniqueHash(), t0))).toEqual({ _tag: 'NotFound' });
      expect(await ok(pushed.use(record.requestUriHash, t0 + 5))).toStrictEqual({ _tag: 'Consumed', record });
      expect(await ok(pushed.use(record.requestUriHash, t0 + 6))).toStrictEqual({ _tag: 'AlreadyConsumed', record: { ...record, usedAt: t0 + 5 } });
    });

    it(`use of one request_uri by ${n} concurrent callers: exactly one Consumed`, async ({ skip }) => {
      const pushed = port();
      if (pushed === undefined) return skip('this store provides no PushedRequestStore');
      const record = pushedRecord();
      await ok(pushed.save(record));
      const results = await race(n, (i) => ok(pushed.use(record.requestUriHash, t0 + 1 + i)));
      expect(countTags(results)).toEqual({ Consumed: 1, AlreadyConsumed: n - 1 });
    });

    it('the sweeper deletes an expired pushed request, keeps a live one', async ({ skip }) => {
      const pushed = port();
      if (pushed === undefined) return skip('this store provides no PushedRequestStore');
      const expired = pushedRecord({ expiresAt: t0 + 10 });
      const live = pushedRecord({ expiresAt: t0 + 10_000 });
      await ok(pushed.save(expired));
      await ok(pushed.save(live));
      // A store may sweep in small batches: sweep until nothing is left to delete.
      while ((await ok(store().sweeper.sweep(t0 + 100))) > 0);
      expect(await ok(pushed.use(expired.requestUriHash, t0 + 101))).toEqual({ _tag: 'NotFound' });
      expect((await ok(pushed.use(live.requestUriHash, t0 + 101)))._tag).toBe('Consumed');
    });
  });
};
