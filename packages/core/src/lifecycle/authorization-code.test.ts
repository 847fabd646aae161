import { describe, expect, it } from 'vitest';
import fc from 'fast-check';
import * as E from 'fp-ts/lib/Either.js';
import type { AuthorizationCodeRecord } from '../domain/records.js';
import { codeStatus, judgeCodeRedemption, redeemTransition, verifyPkce, type CodeRedemption } from './authorization-code.js';

/** A stand-in for BASE64URL(SHA256(v)): any injective function shows the wiring. */
const s256 = (v: string) => `S256(${v})`;

const record: AuthorizationCodeRecord = {
  codeHash: 'h(code)',
  grantId: 'g1',
  clientId: 'web',
  redirectUri: 'https://rp.test/cb',
  subject: 'alice',
  scope: ['openid'],
  pkce: { challenge: s256('verifier-verifier-verifier-verifier-verifier'), method: 'S256' },
  issuedAt: 1000,
  expiresAt: 1060,
};
const good: CodeRedemption = { clientId: 'web', redirectUri: 'https://rp.test/cb', codeVerifier: 'verifier-verifier-verifier-verifier-verifier' };

const codeOf = <A>(r: E.Either<{ error: { code: string } }, A>) => (E.isLeft(r) ? r.left.error.code : 'ok');

describe('authorization code lifecycle (RFC 6749 §4.1.2, §4.1.3)', () => {
  it('has a status: active, expired from expiresAt, redeemed forever once redeemed', () => {
    expect(codeStatus(record, 1059)).toBe('active');
    expect(codeStatus(record, 1060)).toBe('expired');
    expect(codeStatus({ ...record, redeemedAt: 1001 }, 9999)).toBe('redeemed');
  });

  it('redeems for its own client, redirect_uri and verifier', () => {
    expect(judgeCodeRedemption({ _tag: 'Consumed', record }, good, 1010, s256)).toEqual(E.right(record));
  });

  it('refuses a second redemption with invalid_grant and asks to revoke the grant', () => {
    const r = judgeCodeRedemption({ _tag: 'AlreadyConsumed', record: { ...record, redeemedAt: 1005 } }, good, 1010, s256);
    expect(r).toEqual(E.left({ error: expect.objectContaining({ code: 'invalid_grant' }), effects: [{ _tag: 'RevokeGrant', grantId: 'g1' }] }));
  });

  it.each([
    ['unknown code', { _tag: 'NotFound' } as const, good, 1010],
    ['expired', { _tag: 'Consumed', record } as const, good, 1060],
    ['other client', { _tag: 'Consumed', record } as const, { ...good, clientId: 'evil' }, 1010],
    ['other redirect_uri', { _tag: 'Consumed', record } as const, { ...good, redirectUri: 'https://rp.test/cb2' }, 1010],
    ['missing redirect_uri', { _tag: 'Consumed', record } as const, { clientId: 'web', codeVerifier: good.codeVerifier! }, 1010],
    ['wrong verifier', { _tag: 'Consumed', record } as const, { ...good, codeVerifier: 'x'.repeat(43) }, 1010],
    ['missing verifier', { _tag: 'Consumed', record } as const, { clientId: 'web', redirectUri: good.redirectUri! }, 1010],
  ])('refuses %s with invalid_grant and no effect', (_, outcome, request, now) => {
    const r = judgeCodeRedemption(outcome, request, now, s256);
    expect(codeOf(r)).toBe('invalid_grant');
    expect(E.isLeft(r) && r.left.effects).toEqual([]);
  });

  it('PKCE (RFC 7636 §4.6): S256 and plain; a verifier without a challenge is invalid_grant', () => {
    expect(E.isRight(verifyPkce({ challenge: 'abc', method: 'plain' }, 'abc', s256))).toBe(true);
    expect(E.isRight(verifyPkce({ challenge: 'abc', method: 'plain' }, 'abd', s256))).toBe(false);
    expect(E.isRight(verifyPkce({ challenge: s256('abc'), method: 'plain' }, 'abc', s256))).toBe(false);
    expect(E.isRight(verifyPkce(undefined, undefined, s256))).toBe(true);
    const noChallenge = verifyPkce(undefined, 'abc', s256);
    expect(E.isLeft(noChallenge) && noChallenge.left.code).toBe('invalid_grant');
  });

  const attempt = fc.record({
    clientId: fc.constantFrom('web', 'evil'),
    redirectUri: fc.option(fc.constantFrom('https://rp.test/cb', 'https://rp.test/other'), { nil: undefined }),
    codeVerifier: fc.option(fc.constantFrom(good.codeVerifier!, 'wrong-verifier'), { nil: undefined }),
    dt: fc.integer({ min: 0, max: 40 }),
  });

  it('property: across any sequence of attempts against the atomic store, a code redeems at most once, only when every binding matches and before expiry; every replay revokes the grant', () => {
    fc.assert(
      fc.property(fc.array(attempt, { minLength: 1, maxLength: 8 }), fc.boolean(), (attempts, withPkce) => {
        const initial: AuthorizationCodeRecord = withPkce ? record : (({ pkce: _p, ...r }) => r)(record);
        let stored: AuthorizationCodeRecord | undefined = initial;
        let now = 1000;
        let successes = 0;
        attempts.forEach((a, i) => {
          now += a.dt;
          const { outcome, next } = redeemTransition(stored, now);
          stored = next;
          const { dt: _dt, ...redemption } = a;
          const r = judgeCodeRedemption(outcome, redemption, now, s256);
          if (E.isRight(r)) {
            successes++;
            expect(i).toBe(0);
            expect(now).toBeLessThan(initial.expiresAt);
            expect(a.clientId).toBe(initial.clientId);
            expect(a.redirectUri).toBe(initial.redirectUri);
            expect(a.codeVerifier).toBe(withPkce ? good.codeVerifier : undefined);
          } else {
            expect(r.left.error.code).toBe('invalid_grant');
            expect(r.left.effects).toEqual(i === 0 ? [] : [{ _tag: 'RevokeGrant', grantId: 'g1' }]);
          }
        });
        expect(successes).toBeLessThanOrEqual(1);
      }),
    );
  });

  it('property: an expired code never redeems, whatever is presented', () => {
    fc.assert(
      fc.property(attempt, fc.integer({ min: 0, max: 10_000 }), (a, late) => {
        const { dt: _dt, ...redemption } = a;
        const r = judgeCodeRedemption({ _tag: 'Consumed', record }, redemption, record.expiresAt + late, s256);
        expect(codeOf(r)).toBe('invalid_grant');
      }),
    );
  });
});
