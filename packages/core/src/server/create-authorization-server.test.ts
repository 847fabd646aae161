import { describe, expect, it } from 'vitest';
import { httpRequest } from '../http/http-request.js';
import { base64Encode, utf8Encode } from '../http/encoding.js';
import {
  memoryAuthorizationCodes,
  memoryClients,
  memoryConsents,
  memoryDeviceCodes,
  memoryInteractions,
  testClock,
  testLogger,
  testRandom,
  testSecrets,
  webClient,
} from '../test/fake-ports.js';
import { memoryAccessTokens, memoryRefreshTokens, memoryReplay } from '../test/token-fakes.js';
import { createAuthorizationServer } from './create-authorization-server.js';
import type { AuthorizationServerPorts } from './ports.js';

const ports = (): AuthorizationServerPorts & { logger: ReturnType<typeof testLogger> } => ({
  clock: testClock(1_800_000_000),
  random: testRandom(),
  secrets: testSecrets,
  logger: testLogger(),
  clients: memoryClients([webClient({ grantTypes: ['client_credentials'], scope: ['api'] })]),
  accessTokens: memoryAccessTokens(),
  refreshTokens: memoryRefreshTokens(),
  authorizationCodes: memoryAuthorizationCodes(),
  replay: memoryReplay(),
  interactions: memoryInteractions(),
  consents: memoryConsents(),
  deviceCodes: memoryDeviceCodes(),
});

const tokenRequest = (path = '/token') =>
  httpRequest({
    method: 'POST',
    path,
    headers: { 'content-type': 'application/x-www-form-urlencoded', authorization: `Basic ${base64Encode(utf8Encode('web:secret'))}` },
    body: utf8Encode('grant_type=client_credentials'),
  });

describe('createAuthorizationServer', () => {
  it('decodes the config and mounts the token and authorization routes', async () => {
    const server = createAuthorizationServer({ issuer: 'https://as.example.test' }, ports());
    expect(server.config.lifetimes.accessToken).toBe(3600);
    expect(server.routes.map((r) => r.path)).toEqual(['/token', '/authorize', '/jwks', '/.well-known/openid-configuration', '/.well-known/oauth-authorization-server', '/introspect', '/revoke', '/end_session']);
    expect(server.matches('/token')).toBe(true);
    expect(server.matches('/elsewhere')).toBe(false);
    const r = await server.handle(tokenRequest());
    expect(r.status).toBe(200);
  });

  it('uses configured route paths and enables the device flow only when configured', () => {
    const server = createAuthorizationServer(
      { issuer: 'https://as.example.test', routes: { token: '/oauth/token' }, grantTypes: ['client_credentials', 'urn:ietf:params:oauth:grant-type:device_code'] },
      ports(),
    );
    expect(server.routes.map((r) => r.path)).toEqual(['/oauth/token', '/device_authorization', '/jwks', '/.well-known/openid-configuration', '/.well-known/oauth-authorization-server', '/introspect', '/revoke', '/end_session']);
  });

  it('answers 404 JSON for unknown paths and 405 with Allow for wrong methods', async () => {
    const server = createAuthorizationServer({ issuer: 'https://as.example.test' }, ports());
    const missing = await server.handle(httpRequest({ method: 'GET', path: '/nope' }));
    expect(missing).toMatchObject({ _tag: 'Json', status: 404, body: { error: 'invalid_request' } });
    const wrong = await server.handle(httpRequest({ method: 'DELETE', path: '/token' }));
    expect(wrong).toMatchObject({ status: 405, headers: { allow: 'POST' } });
  });

  it('refuses a disabled grant type with unsupported_grant_type', async () => {
    const server = createAuthorizationServer({ issuer: 'https://as.example.test', grantTypes: ['authorization_code'] }, ports());
    const r = await server.handle(tokenRequest());
    expect(r).toMatchObject({ status: 400, body: { error: 'unsupported_grant_type' } });
  });

  it('turns an unexpected rejection into a logged 500 without stack traces', async () => {
    const p = ports();
    const broken = { ...p, clients: { ...p.clients, find: () => () => Promise.reject(new Error('kaboom')) } };
    const server = createAuthorizationServer({ issuer: 'https://as.example.test' }, broken);
    const r = await server.handle(tokenRequest());
    expect(r).toMatchObject({ status: 500, body: { error: 'server_error' } });
    expect(JSON.stringify(r)).not.toContain('kaboom');
    expect(p.logger.entries.some((e) => e.level === 'error')).toBe(true);
    const direct = await server.routes.find((r) => r.path === '/token')!.handle(tokenRequest());
    expect(direct).toMatchObject({ status: 500, body: { error: 'server_error' } });
  });

  it('throws a TypeError at construction for a bad config, an unknown grant type or a missing port', () => {
    expect(() => createAuthorizationServer({ issuer: 'nope' }, ports())).toThrow(/issuer/);
    expect(() => createAuthorizationServer({ issuer: 'https://a.test', grantTypes: ['urn:example:unimplemented'] }, ports())).toThrow(/unimplemented/);
    const { replay: _r, ...withoutReplay } = ports();
    expect(() => createAuthorizationServer({ issuer: 'https://a.test' }, withoutReplay as unknown as AuthorizationServerPorts)).toThrow(/ports\.replay/);
  });

  it('answers bearer checks with a not-enabled rejection until a bearer builder is registered', async () => {
    const server = createAuthorizationServer({ issuer: 'https://as.example.test' }, ports());
    const r = await server.bearer(httpRequest({ method: 'GET', path: '/api' }));
    expect(r._tag).toBe('Rejected');
  });
});
