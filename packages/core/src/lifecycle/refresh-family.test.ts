import { describe, expect, it } from 'vitest';
import fc from 'fast-check';
import * as E from 'fp-ts/lib/Either.js';
import type { RefreshTokenRecord } from '../domain/records.js';
import { isSubset } from '../domain/scope.js';
import { judgeRefreshPresentation, judgeRotateOutcome, refreshStatus, rotateTransition, successorOf } from './refresh-family.js';

const first: RefreshTokenRecord = {
  tokenHash: 'r0',
  grantId: 'g1',
  clientId: 'web',
  subject: 'alice',
  scope: ['openid', 'api'],
  grantedScope: ['openid', 'api'],
  issuedAt: 1000,
  expiresAt: 2000,
};

const codeOf = <A>(r: E.Either<{ error: { code: string } }, A>) => (E.isLeft(r) ? r.left.error.code : 'ok');

describe('refresh family (RFC 6749 §6, RFC 9700 §4.14.2)', () => {
  it('status: active, rotated, revoked, expired', () => {
    expect(refreshStatus(first, 1500)).toBe('active');
    expect(refreshStatus(first, 2000)).toBe('expired');
    expect(refreshStatus({ ...first, rotatedAt: 1100 }, 1500)).toBe('rotated');
    expect(refreshStatus({ ...first, rotatedAt: 1100, revokedAt: 1200 }, 1500)).toBe('revoked');
  });

  it('accepts an active token of the client, scope defaulting to the granted scope, and may narrow it', () => {
    expect(judgeRefreshPresentation(first, { clientId: 'web' }, 1500, 0)).toEqual(E.right({ record: first, scope: ['openid', 'api'] }));
    expect(judgeRefreshPresentation({ ...first, scope: ['api'] }, { clientId: 'web' }, 1500, 0)).toMatchObject(E.right({ scope: ['openid', 'api'] }));
    expect(judgeRefreshPresentation(first, { clientId: 'web', scope: ['api'] }, 1500, 0)).toMatchObject(E.right({ scope: ['api'] }));
  });

  it('never widens the scope (invalid_scope)', () => {
    expect(codeOf(judgeRefreshPresentation(first, { clientId: 'web', scope: ['api', 'admin'] }, 1500, 0))).toBe('invalid_scope');
  });

  it('refuses another client, expiry and unknown tokens with invalid_grant and no effect', () => {
    for (const r of [
      judgeRefreshPresentation(first, { clientId: 'evil' }, 1500, 0),
      judgeRefreshPresentation(first, { clientId: 'web' }, 2000, 0),
      judgeRefreshPresentation(undefined, { clientId: 'web' }, 1500, 0),
    ]) {
      expect(codeOf(r)).toBe('invalid_grant');
      expect(E.isLeft(r) && r.left.effects).toEqual([]);
    }
  });

  it('a rotated or revoked token presented again revokes the family; within the grace window it is refused only', () => {
    const rotated = { ...first, rotatedAt: 1100, successorHash: 'r1' };
    const revoke = [{ _tag: 'RevokeGrant', grantId: 'g1' }];
    const outside = judgeRefreshPresentation(rotated, { clientId: 'web' }, 1111, 10);
    expect(codeOf(outside)).toBe('invalid_grant');
    expect(E.isLeft(outside) && outside.left.effects).toEqual(revoke);
    const inside = judgeRefreshPresentation(rotated, { clientId: 'web' }, 1110, 10);
    expect(codeOf(inside)).toBe('invalid_grant');
    expect(E.isLeft(inside) && inside.left.effects).toEqual([]);
    const revoked = judgeRefreshPresentation({ ...rotated, revokedAt: 1105 }, { clientId: 'web' }, 1106, 10);
    expect(E.isLeft(revoked) && revoked.left.effects).toEqual(revoke);
    const race = judgeRotateOutcome({ _tag: 'NotActive', previous: rotated }, 1200, 0);
    expect(E.isLeft(race) && race.left.effects).toEqual(revoke);
    expect(judgeRotateOutcome({ _tag: 'Rotated', previous: first }, 1200, 0)).toEqual(E.right(first));
    expect(codeOf(judgeRotateOutcome({ _tag: 'NotFound' }, 1200, 0))).toBe('invalid_grant');
  });

  it('successors keep the family and granted scope and get a fresh lifetime', () => {
    const s = successorOf({ ...first, nonce: 'n', authTime: 900 }, { tokenHash: 'r1', scope: ['api'], now: 1500.9, lifetimeSeconds: 100 });
    expect(s).toEqual({ tokenHash: 'r1', grantId: 'g1', clientId: 'web', subject: 'alice', scope: ['api'], grantedScope: ['openid', 'api'], nonce: 'n', authTime: 900, issuedAt: 1500, expiresAt: 1600 });
  });

  /** A model of the grant: find → judge → rotate (atomic) → judge outcome → run effects. */
  const event = fc.record({
    pick: fc.nat(),
    clientId: fc.constantFrom('web', 'web', 'web', 'evil'),
    scope: fc.option(fc.subarray(['openid', 'api', 'admin']), { nil: undefined }),
    dt: fc.integer({ min: 0, max: 30 }),
  });

  it('property: rotation on every use; scope never widens; each token rotates at most once; reuse outside the grace window revokes the family and nothing succeeds after', () => {
    fc.assert(
      fc.property(fc.array(event, { maxLength: 12 }), fc.constantFrom(0, 5, 20), (events, grace) => {
        const store = new Map<string, RefreshTokenRecord>([[first.tokenHash, first]]);
        const issued = [first.tokenHash];
        const successesPerToken = new Map<string, number>();
        let now = 1000;
        let familyRevoked = false;
        let counter = 0;
        for (const e of events) {
          now += e.dt;
          const hash = issued[e.pick % issued.length]!;
          const before = store.get(hash);
          const judged = judgeRefreshPresentation(before, e.scope === undefined ? { clientId: e.clientId } : { clientId: e.clientId, scope: e.scope }, now, grace);
          const result = E.flatMap(judged, ({ record, scope }) => {
            const successor = successorOf(record, { tokenHash: `r${++counter}`, scope, now, lifetimeSeconds: 1000 });
            const { outcome, next } = rotateTransition(store.get(hash), successor, now);
            if (next !== undefined) store.set(hash, next);
            if (outcome._tag === 'Rotated') store.set(successor.tokenHash, successor);
            return E.map(() => successor)(judgeRotateOutcome(outcome, now, grace));
          });
          if (E.isRight(result)) {
            expect(familyRevoked).toBe(false);
            expect(before?.rotatedAt).toBeUndefined();
            expect(e.clientId).toBe('web');
            expect(isSubset(result.right.scope, first.grantedScope)).toBe(true);
            successesPerToken.set(hash, (successesPerToken.get(hash) ?? 0) + 1);
            issued.push(result.right.tokenHash);
          } else {
            const reuse = before !== undefined && (before.rotatedAt !== undefined || before.revokedAt !== undefined);
            const inGrace = reuse && before.revokedAt === undefined && grace > 0 && now - before.rotatedAt! <= grace;
            expect(result.left.effects.length > 0).toBe(reuse && !inGrace);
            for (const effect of result.left.effects) {
              expect(effect.grantId).toBe('g1');
              familyRevoked = true;
              for (const [k, r] of store) store.set(k, { ...r, revokedAt: r.revokedAt ?? now });
            }
          }
        }
        for (const n of successesPerToken.values()) expect(n).toBe(1);
      }),
    );
  });
});
