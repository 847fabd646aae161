import { describe, expect, it } from 'vitest';
import fc from 'fast-check';
import * as E from 'fp-ts/lib/Either.js';
import type { DeviceCodeRecord } from '../domain/records.js';
import { decideDeviceCode, judgeConsume, judgeDecideOutcome, judgePoll, pollDeviceCode } from './device-code.js';

const start = 1_000_000;
const fresh = (overrides: Partial<DeviceCodeRecord> = {}): DeviceCodeRecord => ({
  deviceCodeHash: 'd',
  userCodeHash: 'u',
  clientId: 'tv',
  scope: ['openid'],
  status: 'pending',
  grantId: 'g',
  interval: 5,
  issuedAt: start,
  expiresAt: start + 600,
  ...overrides,
});
const errorOf = (r: E.Either<{ code: string }, unknown>) => (E.isLeft(r) ? r.left.code : 'ok');

describe('device code lifecycle (RFC 8628 §3.5)', () => {
  it('lets the first poll come at any time', () => {
    expect(judgePoll(fresh(), start).verdict).toMatchObject({ _tag: 'Refuse', error: { code: 'authorization_pending' } });
  });

  it('answers slow_down when polled sooner than the advertised interval, and holds the client to that interval only', () => {
    const step = judgePoll(fresh({ lastPolledAt: start + 10 }), start + 14);
    expect(step).toMatchObject({ interval: 5, verdict: { _tag: 'Refuse', error: { code: 'slow_down' } } });
    expect(judgePoll(fresh({ lastPolledAt: start + 10 }), start + 15).verdict).toMatchObject({ error: { code: 'authorization_pending' } });
  });

  it('maps status to the RFC error codes', () => {
    expect(judgePoll(fresh({ status: 'denied' }), start).verdict).toMatchObject({ error: { code: 'access_denied' } });
    expect(judgePoll(fresh({ status: 'consumed' }), start).verdict).toMatchObject({ error: { code: 'invalid_grant' } });
    expect(judgePoll(fresh({ status: 'approved' }), start).verdict).toEqual({ _tag: 'Issue' });
    expect(judgePoll(fresh({ status: 'approved' }), start + 600).verdict).toMatchObject({ error: { code: 'expired_token' } });
  });

  it('only the winner of the atomic consume issues tokens', () => {
    expect(E.isRight(judgeConsume({ _tag: 'Consumed', record: fresh({ status: 'approved' }) }))).toBe(true);
    expect(errorOf(judgeConsume({ _tag: 'AlreadyConsumed', record: fresh({ status: 'consumed' }) }))).toBe('invalid_grant');
    expect(errorOf(judgeConsume({ _tag: 'AlreadyConsumed', record: fresh({ status: 'denied' }) }))).toBe('access_denied');
    expect(errorOf(judgeConsume({ _tag: 'NotFound' }))).toBe('invalid_grant');
  });

  it('decides only pending, unexpired authorizations', () => {
    expect(E.isRight(decideDeviceCode(fresh(), { approved: false }, start))).toBe(true);
    expect(errorOf(decideDeviceCode(fresh(), { approved: false }, start + 600))).toBe('expired_token');
    expect(errorOf(decideDeviceCode(fresh({ status: 'approved' }), { approved: false }, start))).toBe('invalid_request');
    expect(errorOf(judgeDecideOutcome({ _tag: 'AlreadyConsumed', record: fresh({ status: 'denied' }) }, start))).toBe('invalid_request');
    expect(errorOf(judgeDecideOutcome({ _tag: 'NotFound' }, start))).toBe('invalid_request');
    expect(errorOf(judgeDecideOutcome({ _tag: 'Consumed', record: fresh() }, start + 601))).toBe('expired_token');
  });

  type Event =
    | { readonly kind: 'poll' }
    | { readonly kind: 'advance'; readonly seconds: number }
    | { readonly kind: 'approve' }
    | { readonly kind: 'deny' };
  const event: fc.Arbitrary<Event> = fc.oneof(
    { arbitrary: fc.constant({ kind: 'poll' as const }), weight: 4 },
    { arbitrary: fc.integer({ min: 0, max: 40 }).map((seconds) => ({ kind: 'advance' as const, seconds })), weight: 4 },
    { arbitrary: fc.constant({ kind: 'approve' as const }), weight: 1 },
    { arbitrary: fc.constant({ kind: 'deny' as const }), weight: 1 },
  );

  it('property: over any interleaving, tokens at most once, only after approval; slow_down exactly when the gap is below the interval', () => {
    fc.assert(
      fc.property(fc.array(event, { maxLength: 60 }), fc.integer({ min: 1, max: 10 }), fc.integer({ min: 30, max: 900 }), (events, interval, lifetime) => {
        let record = fresh({ interval, expiresAt: start + lifetime });
        let now = start;
        let issued = 0;
        let approvedBefore = false;
        for (const e of events) {
          if (e.kind === 'advance') now += e.seconds;
          else if (e.kind === 'approve' || e.kind === 'deny') {
            const decided = decideDeviceCode(record, e.kind === 'approve' ? { approved: true, subject: 's', scope: ['openid'], authTime: now } : { approved: false }, now);
            if (E.isRight(decided)) {
              expect(record.status).toBe('pending');
              record = decided.right;
              if (e.kind === 'approve') approvedBefore = true;
            }
          } else {
            const before = record;
            const expired = now >= before.expiresAt;
            const tooSoon = before.lastPolledAt !== undefined && now - before.lastPolledAt < before.interval;
            const { next, result } = pollDeviceCode(before, now);
            const code = errorOf(result);
            expect(code === 'slow_down').toBe(!expired && tooSoon);
            expect(next.interval).toBe(before.interval);
            if (expired) expect(code).toBe('expired_token');
            if (E.isRight(result)) {
              issued++;
              expect(approvedBefore).toBe(true);
              expect(before.status).toBe('approved');
            }
            record = next;
          }
        }
        expect(issued).toBeLessThanOrEqual(1);
      }),
      { numRuns: 500 },
    );
  });

  it('property: an approved code polled by concurrent pollers is consumed by exactly one', () => {
    fc.assert(
      fc.property(fc.integer({ min: 1, max: 8 }), (pollers) => {
        let record = fresh({ status: 'approved' });
        const wins = Array.from({ length: pollers }, () => {
          const prior = record;
          if (prior.status === 'approved') record = { ...prior, status: 'consumed' };
          return judgeConsume(prior.status === 'approved' ? { _tag: 'Consumed', record: prior } : { _tag: 'AlreadyConsumed', record: prior });
        }).filter(E.isRight);
        expect(wins).toHaveLength(1);
      }),
    );
  });
});
