import { describe, expect, it } from 'vitest';
import * as E from 'fp-ts/lib/Either.js';
import * as TE from 'fp-ts/lib/TaskEither.js';
import { decodeProtectedHeader } from 'jose';
import { joseSigner } from '../keys/jose-signer.js';
import { memoryKeyStore } from '../keys/key-stores.js';
import { verifyJws } from '../keys/verify.js';
import { testClock, testConfig, webClient } from '../test/fake-ports.js';
import { leftHalfHash } from './hash.js';
import { signedTokenHooks } from './signed-tokens.js';

const right = async <A>(t: TE.TaskEither<unknown, A>): Promise<A> => {
  const r = await t();
  if (E.isLeft(r)) throw new Error(`unexpected Left: ${JSON.stringify(r.left)}`);
  return r.right;
};

const signer = joseSigner({ store: memoryKeyStore(), clock: testClock(), maxTokenLifetime: 3600 });
const config = testConfig();

describe('at_hash (OIDC Core §3.1.3.6)', () => {
  it('is the base64url left half of SHA-256 (SHA-512 for EdDSA)', async () => {
    expect(await right(leftHalfHash('abc', 'RS256'))).toBe('ungWv48Bz-pBQUDeXa4iIw');
    expect(await right(leftHalfHash('abc', 'EdDSA'))).toBe('3a81oZNherrMQXNJriBBMRLm-k6JqX6iCp7u5ktV05o');
  });
});

describe('ID tokens', () => {
  it('RS256 with iss, sub, aud, exp, iat, auth_time, nonce, azp, at_hash; hook claims cannot override them', async () => {
    const hooks = signedTokenHooks(config, signer, {}, { idToken: (ctx) => TE.right({ tenant: ctx.client.clientId, sub: 'evil', iss: 'evil' }) });
    const token = await right(
      hooks.idToken!({ client: webClient(), subject: 'alice', scope: ['openid'], nonce: 'n-0S6', authTime: 1_799_999_000.7, accessToken: 'abc', grantType: 'authorization_code', issuedAt: 1_800_000_000, expiresAt: 1_800_000_600 }),
    );
    expect(decodeProtectedHeader(token)).toMatchObject({ alg: 'RS256', typ: 'JWT' });
    const { payload } = await right(verifyJws(token, await right(signer.publicJwks())));
    expect(payload).toEqual({
      iss: config.issuer, sub: 'alice', aud: 'web', exp: 1_800_000_600, iat: 1_800_000_000, auth_time: 1_799_999_000,
      nonce: 'n-0S6', azp: 'web', at_hash: 'ungWv48Bz-pBQUDeXa4iIw', tenant: 'web',
    });
  });

  it('omits nonce and auth_time when the request had none', async () => {
    const token = await right(signedTokenHooks(config, signer).idToken!({ client: webClient(), subject: 's', scope: ['openid'], accessToken: 'x', grantType: 'refresh_token', issuedAt: 1, expiresAt: 2 }));
    const { payload } = await right(verifyJws(token, await right(signer.publicJwks())));
    expect(payload).not.toHaveProperty('nonce');
    expect(payload).not.toHaveProperty('auth_time');
  });
});

describe('JWT access tokens (RFC 9068)', () => {
  it('typ at+jwt, iss, sub, aud, exp, iat, jti = record id, client_id, scope, extra claims', async () => {
    const record = { id: 'jti-1', format: 'jwt' as const, clientId: 'web', subject: 'alice', scope: ['openid', 'api:read'], issuedAt: 10, expiresAt: 20, extra: { tenant: 't1' } };
    const token = await right(signedTokenHooks(config, signer).accessToken!(record, webClient()));
    expect(decodeProtectedHeader(token)).toMatchObject({ alg: 'RS256', typ: 'at+jwt' });
    const { payload } = await right(verifyJws(token, await right(signer.publicJwks())));
    expect(payload).toEqual({ iss: config.issuer, sub: 'alice', aud: config.issuer, exp: 20, iat: 10, jti: 'jti-1', client_id: 'web', scope: 'openid api:read', tenant: 't1' });
  });

  it('sub is the client id when no user is involved (client_credentials)', async () => {
    const record = { id: 'j2', format: 'jwt' as const, clientId: 'svc', scope: [], issuedAt: 10, expiresAt: 20, audience: ['https://api.example.test'] };
    const token = await right(signedTokenHooks(config, signer, { accessTokenAlg: 'ES256' }).accessToken!(record, webClient()));
    const { payload } = await right(verifyJws(token, await right(signer.publicJwks())));
    expect(payload).toMatchObject({ sub: 'svc', client_id: 'svc', aud: 'https://api.example.test' });
    expect(decodeProtectedHeader(token).alg).toBe('ES256');
  });

  it('the access-token claims hook drops reserved claims', async () => {
    const hooks = signedTokenHooks(config, signer, {}, { accessToken: () => TE.right({ scope: 'admin', role: 'reader' }) });
    expect(await right(hooks.accessTokenClaims!({ client: webClient(), grantType: 'client_credentials', scope: [] }))).toEqual({ role: 'reader' });
  });
});
