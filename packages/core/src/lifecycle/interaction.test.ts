import { describe, expect, it } from 'vitest';
import fc from 'fast-check';
import * as E from 'fp-ts/lib/Either.js';
import type { InteractionRecord } from '../domain/records.js';
import type { ConsumeOutcome } from '../ports/stores.js';
import { finishInteraction, interactionStatus, judgeFinishOutcome, requirePending } from './interaction.js';

const base: InteractionRecord = {
  id: 'i1',
  kind: 'authorization_code',
  clientId: 'c',
  redirectUri: 'https://rp.example.test/cb',
  scope: ['openid'],
  prompt: [],
  responseMode: 'query',
  createdAt: 1000,
  expiresAt: 1900,
};

describe('interaction lifecycle', () => {
  it('is pending before expiry, expired from expiresAt on, finished once finished', () => {
    expect(interactionStatus(base, 1899)).toBe('pending');
    expect(interactionStatus(base, 1900)).toBe('expired');
    expect(interactionStatus({ ...base, finishedAt: 1200 }, 5000)).toBe('finished');
  });

  it('finishes a pending interaction and stamps the (floored) time', () => {
    expect(finishInteraction(base, 1200.7)).toEqual(E.right({ ...base, finishedAt: 1200 }));
  });

  it('refuses to finish an expired or finished interaction', () => {
    expect(E.isLeft(finishInteraction(base, 1900))).toBe(true);
    expect(E.isLeft(finishInteraction({ ...base, finishedAt: 1100 }, 1200))).toBe(true);
    expect(E.isLeft(requirePending({ ...base, finishedAt: 1100 }, 1200))).toBe(true);
  });

  it('judges the store outcome: only the winner of the atomic finish continues', () => {
    expect(E.isRight(judgeFinishOutcome({ _tag: 'Consumed', record: base }, 1500))).toBe(true);
    expect(E.isLeft(judgeFinishOutcome({ _tag: 'Consumed', record: base }, 1900))).toBe(true);
    expect(E.isLeft(judgeFinishOutcome({ _tag: 'AlreadyConsumed', record: { ...base, finishedAt: 1100 } }, 1500))).toBe(true);
    const nf: ConsumeOutcome<InteractionRecord> = { _tag: 'NotFound' };
    expect(E.isLeft(judgeFinishOutcome(nf, 1500))).toBe(true);
  });

  it('property: over any sequence of finish attempts, at most one succeeds, never at or after expiry', () => {
    fc.assert(
      fc.property(fc.integer({ min: 1, max: 3600 }), fc.array(fc.integer({ min: 0, max: 5000 }), { maxLength: 20 }), (lifetime, offsets) => {
        let record: InteractionRecord = { ...base, expiresAt: base.createdAt + lifetime };
        let successes = 0;
        const times = [...offsets].sort((a, b) => a - b).map((o) => base.createdAt + o);
        for (const now of times) {
          const result = finishInteraction(record, now);
          if (E.isRight(result)) {
            successes++;
            expect(now).toBeLessThan(record.expiresAt);
            record = result.right;
          }
        }
        expect(successes).toBeLessThanOrEqual(1);
        // The first attempt before expiry is the one that succeeds.
        const firstValid = times.find((t) => t < base.createdAt + lifetime);
        expect(successes).toBe(firstValid === undefined ? 0 : 1);
      }),
    );
  });

  it('property: a simulated store with concurrent finishers lets exactly one through', () => {
    fc.assert(
      fc.property(fc.integer({ min: 1, max: 10 }), (callers) => {
        let record: InteractionRecord = base;
        const outcomes = Array.from({ length: callers }, (): ConsumeOutcome<InteractionRecord> => {
          if (record.finishedAt !== undefined) return { _tag: 'AlreadyConsumed', record };
          const prior = record;
          record = { ...record, finishedAt: 1500 };
          return { _tag: 'Consumed', record: prior };
        });
        expect(outcomes.map((o) => judgeFinishOutcome(o, 1500)).filter(E.isRight)).toHaveLength(1);
      }),
    );
  });
});
