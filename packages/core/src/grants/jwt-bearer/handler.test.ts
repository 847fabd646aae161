import { describe, expect, it } from 'vitest';
import fc from 'fast-check';
import * as E from 'fp-ts/lib/Either.js';
import { SignJWT, exportJWK, generateKeyPair } from 'jose';
import { utf8Encode } from '../../http/encoding.js';
import { testConfig, testIssuer, webClient } from '../../test/fake-ports.js';
import { failing, grantContext, grantPorts, memoryReplay } from '../../test/token-fakes.js';
import { jwtBearerGrant, jwtBearerGrantType } from './index.js';

const now = 1_800_000_000;
const config = testConfig({ grantTypes: [jwtBearerGrantType], lifetimes: { accessToken: 600 } });
const tokenUrl = `${testIssuer}/token`;

const keys = await (async () => {
  const ec = await generateKeyPair('ES256', { extractable: true });
  const other = await generateKeyPair('ES256', { extractable: true });
  const jwk = { ...(await exportJWK(ec.publicKey)), kty: 'EC', kid: 'k1', alg: 'ES256' };
  return { ec, other, jwk };
})();

const client = webClient({
  clientId: 'svc',
  grantTypes: [jwtBearerGrantType],
  scope: ['openid', 'offline_access', 'api:read', 'api:write'],
  jwks: { keys: [keys.jwk] },
});
const authenticated = { client, method: 'client_secret_basic' as const };

const sign = (claims: Record<string, unknown>, key: unknown = keys.ec.privateKey) =>
  new SignJWT(Object.fromEntries(Object.entries(claims).filter(([, v]) => v !== undefined))).setProtectedHeader({ alg: 'ES256', kid: 'k1' }).sign(key as never);

let counter = 0;
const claims = (extra: Record<string, unknown> = {}) => ({ iss: 'svc', sub: 'alice', aud: tokenUrl, exp: now + 60, iat: now, jti: `j${++counter}`, ...extra });

const setup = () => {
  const replay = memoryReplay();
  const ports = { ...grantPorts(), replay };
  return { ports, replay, run: (params: { assertion: string; scope?: string }, at = now) => jwtBearerGrant.handle(params, authenticated)(grantContext(ports, at, config))() };
};

const failure = async (p: Promise<E.Either<{ code: string; description: string }, unknown>>) => {
  const r = await p;
  if (E.isRight(r)) throw new Error('expected a failure');
  return r.left;
};

describe('JWT bearer grant (RFC 7523 §2.1)', () => {
  it('issues an access token for the asserted subject, no refresh token, client scope minus openid/offline_access', async () => {
    const { ports, replay, run } = setup();
    const r = await run({ assertion: await sign(claims({ jti: 'first' })) });
    expect(r).toEqual(E.right({ access_token: 'tok2_32', token_type: 'Bearer', expires_in: 600, scope: 'api:read api:write' }));
    expect([...ports.accessTokens.all.values()]).toEqual([expect.objectContaining({ clientId: 'svc', subject: 'alice', scope: ['api:read', 'api:write'] })]);
    expect(ports.refreshTokens.all.size).toBe(0);
    expect([...replay.all]).toEqual([['svc:first', now + 60 + 30]]);
  });

  it('accepts the issuer as audience and a requested subset of scopes', async () => {
    const { run } = setup();
    const r = await run({ assertion: await sign(claims({ aud: [testIssuer, 'https://other.test'] })), scope: 'api:read' });
    expect(E.isRight(r) && r.right.scope).toBe('api:read');
  });

  it.each([['api:admin'], ['api:read openid'], ['offline_access'], ['bad\\scope']])('refuses scope %s with invalid_scope without consuming the jti', async (scope) => {
    const { replay, run } = setup();
    expect((await failure(run({ assertion: await sign(claims()), scope }))).code).toBe('invalid_scope');
    expect(replay.all.size).toBe(0);
  });

  it('accepts a jti once (replay is invalid_grant)', async () => {
    const { run } = setup();
    const assertion = await sign(claims());
    expect(E.isRight(await run({ assertion }))).toBe(true);
    const e = await failure(run({ assertion }));
    expect(e).toMatchObject({ code: 'invalid_grant', description: 'The assertion has already been used.' });
  });

  it('shares the client-assertion jti namespace: a jti already seen as client_id:jti is refused', async () => {
    const { replay, run } = setup();
    await replay.remember('svc:shared', now + 60)();
    expect((await failure(run({ assertion: await sign(claims({ jti: 'shared' })) }))).code).toBe('invalid_grant');
  });

  it.each([
    ['a foreign key', {}, 'other', /signature/],
    ['another audience', { aud: 'https://elsewhere.test/token' }, 'own', /aud/],
    ['another issuer', { iss: 'web' }, 'own', /iss/],
    ['no exp', { exp: undefined }, 'own', /exp/],
    ['an expired exp', { exp: now - 31 }, 'own', /expired/],
    ['a too long lifetime', { exp: now + 331 }, 'own', /too far/],
    ['a future nbf', { nbf: now + 31 }, 'own', /nbf/],
    ['a future iat', { iat: now + 31 }, 'own', /iat/],
    ['no sub', { sub: undefined }, 'own', /sub/],
    ['no jti', { jti: undefined }, 'own', /jti/],
  ] as const)('refuses an assertion with %s (invalid_grant)', async (_, extra, signer, description) => {
    const { replay, run } = setup();
    const e = await failure(run({ assertion: await sign(claims(extra), signer === 'own' ? keys.ec.privateKey : keys.other.privateKey) }));
    expect(e.code).toBe('invalid_grant');
    expect(e.description).toMatch(description);
    expect(replay.all.size).toBe(0);
  });

  it('tolerates clock skew on exp, nbf and iat', async () => {
    const { run } = setup();
    const r = await run({ assertion: await sign(claims({ exp: now - 29, nbf: now + 29, iat: now + 29 })) });
    expect(E.isRight(r)).toBe(true);
  });

  it('refuses malformed assertions, HMAC assertions and clients without keys', async () => {
    const { ports, run } = setup();
    expect((await failure(run({ assertion: 'not.a.jwt' }))).description).toBe('The assertion is malformed.');
    const hmac = await new SignJWT(claims()).setProtectedHeader({ alg: 'HS256' }).sign(utf8Encode('0123456789abcdef0123456789abcdef'));
    expect((await failure(run({ assertion: hmac }))).code).toBe('invalid_grant');
    const keyless = { client: webClient({ clientId: 'svc', grantTypes: [jwtBearerGrantType], scope: ['api:read'] }), method: 'client_secret_basic' as const };
    const e = await failure(jwtBearerGrant.handle({ assertion: await sign(claims()) }, keyless)(grantContext(ports, now, config))());
    expect(e.description).toMatch(/no registered keys/);
  });

  it('maps a replay-cache fault to temporarily_unavailable', async () => {
    const ports = { ...grantPorts(), replay: { remember: failing<boolean>(true) } };
    const e = await failure(jwtBearerGrant.handle({ assertion: await sign(claims()) }, authenticated)(grantContext(ports, now, config))());
    expect(e.code).toBe('temporarily_unavailable');
  });
});

describe('JWT bearer assertion properties', () => {
  it('property: an assertion jti is accepted at most once, however often it is presented', async () => {
    await fc.assert(
      fc.asyncProperty(fc.integer({ min: 1, max: 5 }), fc.integer({ min: 1, max: 4 }), async (distinct, repeats) => {
        const { run } = setup();
        const assertions = await Promise.all(Array.from({ length: distinct }, () => sign(claims())));
        const results = await Promise.all(assertions.flatMap((a) => Array.from({ length: repeats }, () => run({ assertion: a }))));
        expect(results.filter(E.isRight)).toHaveLength(distinct);
      }),
      { numRuns: 25 },
    );
  });

  it('property: an assertion outside its time window or for another audience is always rejected', async () => {
    const skew = config.assertions.clockSkewSeconds;
    const max = config.assertions.maxLifetimeSeconds;
    const bad = fc.oneof(
      fc.integer({ min: 1, max: 100_000 }).map((d) => ({ exp: now - skew - d })),
      fc.integer({ min: 1, max: 100_000 }).map((d) => ({ exp: now + max + skew + d })),
      fc.integer({ min: 1, max: 100_000 }).map((d) => ({ nbf: now + skew + d })),
      fc.integer({ min: 1, max: 100_000 }).map((d) => ({ iat: now + skew + d })),
      fc.webUrl().filter((u) => u !== testIssuer && u !== tokenUrl).map((aud) => ({ aud })),
    );
    await fc.assert(
      fc.asyncProperty(bad, async (extra) => {
        const { run } = setup();
        const r = await run({ assertion: await sign(claims(extra)) });
        expect(E.isLeft(r) && r.left.code).toBe('invalid_grant');
      }),
      { numRuns: 60 },
    );
  });
});
