/**
 * The JWT bearer, token exchange and password grants through `createAuthorizationServer`: registration, ports
 * required by the enabled grants (type and runtime), discovery, and the grants end to end over HTTP values.
 */
import { describe, expect, it } from 'vitest';
import * as O from 'fp-ts/lib/Option.js';
import * as TE from 'fp-ts/lib/TaskEither.js';
import { SignJWT, exportJWK, generateKeyPair } from 'jose';
import { httpRequest } from '../http/http-request.js';
import type { HttpResponse } from '../http/http-response.js';
import { memoryKeyStore } from '../keys/key-stores.js';
import type { LoginThrottle, PasswordVerifier } from '../ports/password.js';
import { memoryAuthorizationCodes, memoryClients, memoryConsents, memoryDeviceCodes, memoryInteractions, testClock, testLogger, testRandom, testSecrets, webClient } from '../test/fake-ports.js';
import { basic, formPost } from '../test/token-service-fixture.js';
import { memoryAccessTokens, memoryRefreshTokens, memoryReplay } from '../test/token-fakes.js';
import { createAuthorizationServer } from './create-authorization-server.js';

const issuer = 'https://as.example.test';
const now = 1_800_000_000;
const jwtBearer = 'urn:ietf:params:oauth:grant-type:jwt-bearer';
const tokenExchange = 'urn:ietf:params:oauth:grant-type:token-exchange';
const accessTokenType = 'urn:ietf:params:oauth:token-type:access_token';
const bodyOf = (r: HttpResponse) => (r._tag === 'Json' ? (r.body as Record<string, unknown>) : {});

const keys = await generateKeyPair('ES256', { extractable: true });
const jwk = { ...(await exportJWK(keys.publicKey)), kty: 'EC', kid: 'svc-1', alg: 'ES256' };

const passwords: PasswordVerifier = { verify: (u, p) => TE.right(u === 'alice' && p === 'pw' ? O.some({ subject: 'alice' }) : O.none) };
const loginThrottle: LoginThrottle = { hit: () => TE.right({ allowed: true }) };

const basePorts = () => ({
  clock: testClock(now),
  random: testRandom(),
  secrets: testSecrets,
  logger: testLogger(),
  clients: memoryClients([
    webClient({ clientId: 'svc', grantTypes: [jwtBearer, tokenExchange, 'password', 'refresh_token'], scope: ['openid', 'api:read', 'api:write'], jwks: { keys: [jwk] } }),
    webClient({ clientId: 'jwtc', accessTokenFormat: 'jwt', grantTypes: ['client_credentials', tokenExchange], scope: ['api:read', 'api:write'] }),
  ]),
  accessTokens: memoryAccessTokens(),
  refreshTokens: memoryRefreshTokens(),
  authorizationCodes: memoryAuthorizationCodes(),
  replay: memoryReplay(),
  interactions: memoryInteractions(),
  consents: memoryConsents(),
  deviceCodes: memoryDeviceCodes(),
  keys: memoryKeyStore(),
});

const allGrants = ['client_credentials', 'refresh_token', jwtBearer, tokenExchange, 'password'] as const;
const setup = () => {
  const ports = { ...basePorts(), passwords, loginThrottle };
  return { ports, server: createAuthorizationServer({ issuer, grantTypes: allGrants }, ports) };
};

const assertion = (claims: Record<string, unknown> = {}) =>
  new SignJWT({ iss: 'svc', sub: 'alice', aud: `${issuer}/token`, exp: now + 60, jti: `j-${String(claims['n'] ?? 0)}`, ...claims })
    .setProtectedHeader({ alg: 'ES256', kid: 'svc-1' })
    .sign(keys.privateKey);

const svc = basic('svc', 'secret');

describe('more grants through createAuthorizationServer', () => {
  it('discovery advertises exactly the enabled grant types', async () => {
    const { server } = setup();
    const doc = bodyOf(await server.handle(httpRequest({ method: 'GET', path: '/.well-known/openid-configuration' })));
    expect(doc['grant_types_supported']).toEqual([...allGrants]);
    const plain = createAuthorizationServer({ issuer }, basePorts());
    const plainDoc = bodyOf(await plain.handle(httpRequest({ method: 'GET', path: '/.well-known/oauth-authorization-server' })));
    expect(plainDoc['grant_types_supported']).toEqual(['authorization_code', 'refresh_token', 'client_credentials']);
  });

  it('the grants are off unless configured: unsupported_grant_type', async () => {
    const server = createAuthorizationServer({ issuer }, basePorts());
    for (const grant_type of [jwtBearer, tokenExchange, 'password']) {
      const r = await server.handle(formPost('/token', { grant_type, username: 'alice', password: 'pw' }, svc));
      expect(bodyOf(r)['error']).toBe('unsupported_grant_type');
    }
  });

  it('the password grant needs its ports: a TypeError at construction, and a type error', () => {
    // @ts-expect-error -- `password` is enabled, so `passwords` and `loginThrottle` are required
    expect(() => createAuthorizationServer({ issuer, grantTypes: ['password'] }, basePorts())).toThrow(/ports\.passwords is required by the password grant/);
    // @ts-expect-error -- `loginThrottle` is missing
    expect(() => createAuthorizationServer({ issuer, grantTypes: ['password'] }, { ...basePorts(), passwords })).toThrow(/ports\.loginThrottle/);
    expect(() => createAuthorizationServer({ issuer, grantTypes: [jwtBearer, tokenExchange] }, basePorts())).not.toThrow();
  });

  it('jwt-bearer, then token exchange with delegation, then introspection shows act and the audience', async () => {
    const { server } = setup();
    const first = bodyOf(await server.handle(formPost('/token', { grant_type: jwtBearer, assertion: await assertion({ n: 1 }) }, svc)));
    expect(first).toMatchObject({ token_type: 'Bearer', scope: 'api:read api:write' });
    expect(first['refresh_token']).toBeUndefined();
    const replay = await server.handle(formPost('/token', { grant_type: jwtBearer, assertion: await assertion({ n: 1 }) }, svc));
    expect(bodyOf(replay)).toMatchObject({ error: 'invalid_grant', error_description: 'The assertion has already been used.' });

    const actor = bodyOf(await server.handle(formPost('/token', { grant_type: jwtBearer, assertion: await assertion({ n: 2, sub: 'svc' }), scope: 'api:read' }, svc)));
    const exchanged = await server.handle(
      formPost('/token', { grant_type: tokenExchange, subject_token: String(first['access_token']), subject_token_type: accessTokenType, actor_token: String(actor['access_token']), actor_token_type: accessTokenType, scope: 'api:read' }, svc),
    );
    expect(exchanged.status).toBe(200);
    expect(bodyOf(exchanged)).toMatchObject({ issued_token_type: accessTokenType, token_type: 'Bearer', scope: 'api:read' });
    const introspected = bodyOf(await server.handle(formPost('/introspect', { token: String(bodyOf(exchanged)['access_token']) }, svc)));
    expect(introspected).toMatchObject({ active: true, sub: 'alice', scope: 'api:read', act: { sub: 'svc' } });

    const widened = await server.handle(formPost('/token', { grant_type: tokenExchange, subject_token: String(actor['access_token']), subject_token_type: accessTokenType, scope: 'api:write' }, svc));
    expect(bodyOf(widened)['error']).toBe('invalid_scope');
  });

  it('token exchange verifies a JWT access token of this server with its own keys', async () => {
    const { server } = setup();
    const cc = bodyOf(await server.handle(formPost('/token', { grant_type: 'client_credentials' }, basic('jwtc', 'secret'))));
    expect(String(cc['access_token']).split('.')).toHaveLength(3);
    const r = await server.handle(
      formPost('/token', { grant_type: tokenExchange, subject_token: String(cc['access_token']), subject_token_type: 'urn:ietf:params:oauth:token-type:jwt', scope: 'api:read' }, basic('jwtc', 'secret')),
    );
    expect(r.status).toBe(200);
    expect(bodyOf(r)).toMatchObject({ scope: 'api:read', issued_token_type: accessTokenType });
  });

  it('password grant over HTTP: tokens with a refresh token; wrong password invalid_grant', async () => {
    const { server } = setup();
    const ok = bodyOf(await server.handle(formPost('/token', { grant_type: 'password', username: 'alice', password: 'pw', scope: 'api:read' }, svc)));
    expect(ok).toMatchObject({ token_type: 'Bearer', scope: 'api:read', refresh_token: expect.any(String) });
    const bad = await server.handle(formPost('/token', { grant_type: 'password', username: 'alice', password: 'nope' }, svc));
    expect(bad.status).toBe(400);
    expect(bodyOf(bad)).toMatchObject({ error: 'invalid_grant', error_description: 'The username or password is incorrect.' });
    const notListed = await server.handle(formPost('/token', { grant_type: 'password', username: 'alice', password: 'pw' }, basic('jwtc', 'secret')));
    expect(bodyOf(notListed)['error']).toBe('unauthorized_client');
  });
});
