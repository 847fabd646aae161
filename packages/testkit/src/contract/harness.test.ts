/**
 * The race tests are only worth something if they catch a store that checks and writes in two steps. This runs the
 * same race as the contract against such a store (a deliberately broken wrapper of a correct one) and against the
 * correct one.
 */
import { describe, expect, it } from 'vitest';
import type { AuthorizationCodeRecord, AuthorizationCodeStore, ConsumeOutcome } from '@grantor/core/extend';
import { codeRecord, countTags, ok, race, t0 } from './harness.js';

/** Read, wait for I/O, then write: the classic lost-update bug the contract exists to catch. */
const readThenWrite = (): AuthorizationCodeStore => {
  const rows = new Map<string, AuthorizationCodeRecord>();
  const io = () => new Promise<void>((resolve) => setImmediate(resolve));
  return {
    save: (record) => async () => {
      rows.set(record.codeHash, record);
      return { _tag: 'Right', right: undefined };
    },
    redeem: (codeHash, now) => async () => {
      const record = rows.get(codeHash);
      await io();
      const outcome: ConsumeOutcome<AuthorizationCodeRecord> =
        record === undefined ? { _tag: 'NotFound' } : record.redeemedAt === undefined ? { _tag: 'Consumed', record } : { _tag: 'AlreadyConsumed', record };
      if (record !== undefined && record.redeemedAt === undefined) rows.set(codeHash, { ...record, redeemedAt: now });
      return { _tag: 'Right', right: outcome };
    },
  };
};

/** Check and write in one synchronous step: the compare-and-set the contract asks for. */
const checkAndWriteAtomically = (): AuthorizationCodeStore => {
  const rows = new Map<string, AuthorizationCodeRecord>();
  const io = () => new Promise<void>((resolve) => setImmediate(resolve));
  return {
    save: (record) => async () => {
      rows.set(record.codeHash, record);
      return { _tag: 'Right', right: undefined };
    },
    redeem: (codeHash, now) => async () => {
      await io();
      const record = rows.get(codeHash);
      const outcome: ConsumeOutcome<AuthorizationCodeRecord> =
        record === undefined ? { _tag: 'NotFound' } : record.redeemedAt === undefined ? { _tag: 'Consumed', record } : { _tag: 'AlreadyConsumed', record };
      if (record !== undefined && record.redeemedAt === undefined) rows.set(codeHash, { ...record, redeemedAt: now });
      return { _tag: 'Right', right: outcome };
    },
  };
};

describe('the contract race', () => {
  it('catches a store that reads, awaits, then writes', async () => {
    const store = readThenWrite();
    const code = codeRecord();
    await ok(store.save(code));
    const results = await race(50, () => ok(store.redeem(code.codeHash, t0)));
    expect(countTags(results)['Consumed']).toBeGreaterThan(1);
  });

  it('passes an atomic store', async () => {
    const store = checkAndWriteAtomically();
    const code = codeRecord();
    await ok(store.save(code));
    const results = await race(50, () => ok(store.redeem(code.codeHash, t0)));
    expect(countTags(results)).toEqual({ Consumed: 1, AlreadyConsumed: 49 });
  });
});
