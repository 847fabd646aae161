/**
 * The signing/OIDC side through `createAuthorizationServer`: discovery, JWKS, an ID token from a code redemption
 * verified against the published keys, userinfo, introspection and revocation, JWT access tokens and bearer.
 */
import { describe, expect, it } from 'vitest';
import fc from 'fast-check';
import * as E from 'fp-ts/lib/Either.js';
import * as O from 'fp-ts/lib/Option.js';
import * as TE from 'fp-ts/lib/TaskEither.js';
import { decodeProtectedHeader } from 'jose';
import { httpRequest } from '../http/http-request.js';
import type { HttpResponse } from '../http/http-response.js';
import { joseSigner } from '../keys/jose-signer.js';
import { memoryKeyStore } from '../keys/key-stores.js';
import { privateJwkMembers } from '../keys/lifecycle.js';
import { verifyJws } from '../keys/verify.js';
import type { JwkSet } from '../ports/keys.js';
import { memoryAuthorizationCodes, memoryClients, memoryConsents, memoryDeviceCodes, memoryInteractions, testClock, testLogger, testRandom, testSecrets, webClient } from '../test/fake-ports.js';
import { aliceClaims, basic, formPost } from '../test/token-service-fixture.js';
import { memoryAccessTokens, memoryRefreshTokens, memoryReplay } from '../test/token-fakes.js';
import { signedTokenHooks } from '../tokens/signed-tokens.js';
import { testConfig } from '../test/fake-ports.js';
import { createAuthorizationServer } from './create-authorization-server.js';

const issuer = 'https://as.example.test';
const bodyOf = (r: HttpResponse) => (r._tag === 'Json' ? (r.body as Record<string, unknown>) : {});
const get = (path: string, headers: Record<string, string> = {}) => httpRequest({ method: 'GET', path, headers });

const setup = (config: Record<string, unknown> = {}) => {
  const clock = testClock(1_800_000_000);
  const ports = {
    clock,
    random: testRandom(),
    secrets: testSecrets,
    logger: testLogger(),
    clients: memoryClients([
      webClient({ grantTypes: ['authorization_code', 'refresh_token', 'client_credentials'], scope: ['openid', 'profile', 'email', 'api:read'] }),
      webClient({ clientId: 'jwtc', accessTokenFormat: 'jwt', grantTypes: ['client_credentials'], scope: ['api:read'] }),
    ]),
    accessTokens: memoryAccessTokens(),
    refreshTokens: memoryRefreshTokens(),
    authorizationCodes: memoryAuthorizationCodes(),
    replay: memoryReplay(),
    interactions: memoryInteractions(),
    consents: memoryConsents(),
    deviceCodes: memoryDeviceCodes(),
    keys: memoryKeyStore(),
    claims: { claims: (sub: string) => TE.right(sub === 'alice' ? O.some(aliceClaims) : O.none) },
  };
  const server = createAuthorizationServer({ issuer, ...config }, ports);
  return { server, ports, clock };
};

const jwksOf = async (server: ReturnType<typeof setup>['server']): Promise<JwkSet> => bodyOf(await server.handle(get('/jwks'))) as unknown as JwkSet;

describe('discovery and JWKS through the server', () => {
  it('both well-known documents are equal and name every endpoint', async () => {
    const { server } = setup({ grantTypes: ['authorization_code', 'refresh_token', 'client_credentials', 'urn:ietf:params:oauth:grant-type:device_code'] });
    const openid = await server.handle(get('/.well-known/openid-configuration'));
    const oauth = await server.handle(get('/.well-known/oauth-authorization-server'));
    expect(openid.status).toBe(200);
    expect(bodyOf(oauth)).toEqual(bodyOf(openid));
    const m = bodyOf(openid);
    expect(m).toMatchObject({
      issuer,
      authorization_endpoint: `${issuer}/authorize`,
      token_endpoint: `${issuer}/token`,
      jwks_uri: `${issuer}/jwks`,
      userinfo_endpoint: `${issuer}/userinfo`,
      introspection_endpoint: `${issuer}/introspect`,
      revocation_endpoint: `${issuer}/revoke`,
      device_authorization_endpoint: `${issuer}/device_authorization`,
      response_types_supported: ['code'],
      response_modes_supported: ['query'],
      code_challenge_methods_supported: ['S256'],
      subject_types_supported: ['public'],
      authorization_response_iss_parameter_supported: true,
    });
    expect(m['id_token_signing_alg_values_supported']).toContain('RS256');
    expect(m['token_endpoint_auth_methods_supported']).toEqual(expect.arrayContaining(['client_secret_basic', 'client_secret_post', 'private_key_jwt', 'none']));
    expect(m['token_endpoint_auth_signing_alg_values_supported']).toEqual(expect.arrayContaining(['RS256', 'ES256']));
    expect(m['grant_types_supported']).toContain('urn:ietf:params:oauth:grant-type:device_code');
    expect(m['end_session_endpoint']).toBe(`${issuer}/end_session`);
  });

  it('no device endpoint without the device grant; plain PKCE listed only when allowed', async () => {
    const m = bodyOf(await setup({ pkce: { allowPlain: true } }).server.handle(get('/.well-known/openid-configuration')));
    expect(m).not.toHaveProperty('device_authorization_endpoint');
    expect(m['code_challenge_methods_supported']).toEqual(['S256', 'plain']);
  });

  it('an issuer with a path: RFC 8414 inserts the well-known segment before it (served under baseUrl only when it fits)', async () => {
    const { server } = setup({ issuer: 'https://as.example.test/tenant', baseUrl: 'https://as.example.test' });
    expect(server.matches('/tenant/.well-known/openid-configuration')).toBe(true);
    expect(server.matches('/.well-known/oauth-authorization-server/tenant')).toBe(true);
    expect(bodyOf(await server.handle(get('/.well-known/oauth-authorization-server/tenant')))['issuer']).toBe('https://as.example.test/tenant');
  });

  it('JWKS: RSA and EC keys with kid, alg, use; never a private member', async () => {
    const { server } = setup();
    const r = await server.handle(get('/jwks'));
    expect(r.status).toBe(200);
    const { keys } = bodyOf(r) as unknown as JwkSet;
    expect(keys.map((k) => k.kty).sort()).toEqual(['EC', 'RSA']);
    for (const k of keys) {
      expect(k).toMatchObject({ use: 'sig' });
      for (const m of privateJwkMembers) expect(k).not.toHaveProperty(m);
    }
    expect((await server.handle(httpRequest({ method: 'POST', path: '/jwks' }))).status).toBe(405);
  });
});

describe('tokens through the server', () => {
  it('code redemption: an RS256 ID token that verifies against the JWKS, userinfo, introspection, revocation', async () => {
    const verifier = 'v'.repeat(43);
    const { server, ports, clock } = setup();
    await ports.authorizationCodes.save({
      codeHash: testSecrets.hash('code-1'), grantId: 'grant-1', clientId: 'web', redirectUri: 'https://rp.example.test/cb', subject: 'alice',
      scope: ['openid', 'profile'], nonce: 'n-123', authTime: clock.now() - 5, issuedAt: clock.now(), expiresAt: clock.now() + 60,
      pkce: { challenge: testSecrets.hash(verifier), method: 'S256' },
    })();
    const tokenResponse = await server.handle(formPost('/token', { grant_type: 'authorization_code', code: 'code-1', redirect_uri: 'https://rp.example.test/cb', code_verifier: verifier }));
    expect(tokenResponse.status).toBe(200);
    const tokens = bodyOf(tokenResponse) as { access_token: string; id_token: string; refresh_token: string };
    expect(decodeProtectedHeader(tokens.id_token).alg).toBe('RS256');
    const verified = await verifyJws(tokens.id_token, await jwksOf(server))();
    if (E.isLeft(verified)) throw new Error(verified.left);
    expect(verified.right.payload).toMatchObject({ iss: issuer, sub: 'alice', aud: 'web', nonce: 'n-123', azp: 'web', iat: 1_800_000_000, exp: 1_800_003_600 });
    expect(typeof verified.right.payload['at_hash']).toBe('string');

    const userinfo = await server.handle(get('/userinfo', { authorization: `Bearer ${tokens.access_token}` }));
    expect(bodyOf(userinfo)).toEqual({ sub: 'alice', name: 'Alice A', given_name: 'Alice', family_name: 'A' });
    expect(bodyOf(await server.handle(formPost('/introspect', { token: tokens.access_token })))).toMatchObject({ active: true, client_id: 'web', sub: 'alice', scope: 'openid profile' });
    expect(bodyOf(await server.handle(formPost('/introspect', { token: tokens.refresh_token })))).toMatchObject({ active: true });

    expect((await server.handle(formPost('/revoke', { token: tokens.refresh_token }))).status).toBe(200);
    expect(bodyOf(await server.handle(formPost('/introspect', { token: tokens.access_token })))).toEqual({ active: false });
    expect((await server.handle(get('/userinfo', { authorization: `Bearer ${tokens.access_token}` }))).status).toBe(401);
  });

  it('client_credentials for a JWT-format client: an RFC 9068 token the bearer check and introspection accept, until revoked', async () => {
    const { server } = setup();
    const r = await server.handle(formPost('/token', { grant_type: 'client_credentials', scope: 'api:read' }, basic('jwtc', 'secret')));
    expect(r.status).toBe(200);
    const token = bodyOf(r)['access_token'] as string;
    expect(decodeProtectedHeader(token).typ).toBe('at+jwt');
    const verified = await verifyJws(token, await jwksOf(server))();
    expect(E.isRight(verified) && verified.right.payload).toMatchObject({ sub: 'jwtc', client_id: 'jwtc', scope: 'api:read', iss: issuer });
    const api = httpRequest({ method: 'GET', path: '/api', headers: { authorization: `Bearer ${token}` } });
    expect(await server.bearer(api, { requiredScopes: ['api:read'] })).toMatchObject({ _tag: 'Authorized', auth: { clientId: 'jwtc', format: 'jwt' } });
    expect(bodyOf(await server.handle(formPost('/introspect', { token }, basic('jwtc', 'secret'))))).toMatchObject({ active: true, client_id: 'jwtc' });
    expect(bodyOf(await server.handle(formPost('/introspect', { token })))).toEqual({ active: false });
    await server.handle(formPost('/revoke', { token }, basic('jwtc', 'secret')));
    expect((await server.bearer(api))._tag).toBe('Rejected');
  });
});

describe('property: an issued JWT verifies against the published JWKS until its key is retired and the token expired', () => {
  it('holds across rotations at arbitrary times', async () => {
    const lifetime = 600;
    await fc.assert(
      fc.asyncProperty(fc.array(fc.record({ wait: fc.integer({ min: 0, max: 900 }), rotate: fc.boolean() }), { minLength: 1, maxLength: 6 }), async (steps) => {
        const clock = testClock();
        const signer = joseSigner({ store: memoryKeyStore(), clock, algorithms: ['ES256'], maxTokenLifetime: lifetime });
        const hooks = signedTokenHooks(testConfig(), signer, { accessTokenAlg: 'ES256' });
        const issued: { token: string; exp: number }[] = [];
        for (const step of steps) {
          const now = Math.floor(clock.now());
          const signed = await hooks.accessToken!({ id: `j${now}`, format: 'jwt', clientId: 'c', scope: [], issuedAt: now, expiresAt: now + lifetime }, webClient())();
          if (E.isLeft(signed)) throw new Error('sign');
          issued.push({ token: signed.right, exp: now + lifetime });
          clock.advance(step.wait);
          if (step.rotate) await signer.rotate()();
          const jwks = await signer.publicJwks()();
          if (E.isLeft(jwks)) throw new Error('jwks');
          for (const t of issued) if (clock.now() < t.exp) expect(E.isRight(await verifyJws(t.token, jwks.right)())).toBe(true);
        }
      }),
      { numRuns: 15 },
    );
  });
});
