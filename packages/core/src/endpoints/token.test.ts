import { describe, expect, it } from 'vitest';
import { httpRequest, type HttpRequest } from '../http/http-request.js';
import { base64Encode, utf8Encode } from '../http/encoding.js';
import type { HttpResponse } from '../http/http-response.js';
import { registerGrant } from '../grants/registry.js';
import { authorizationCodeGrant } from '../grants/authorization-code/index.js';
import { clientCredentialsGrant } from '../grants/client-credentials/index.js';
import { refreshTokenGrant } from '../grants/refresh-token/index.js';
import { memoryClients, publicClient, testClock, testConfig, webClient } from '../test/fake-ports.js';
import { grantPorts, memoryReplay } from '../test/token-fakes.js';
import { tokenRoute } from './token.js';
import { routeTable } from './route-table.js';
import { renderError } from './render-error.js';
import { oauthError, serverError } from '../errors/oauth-error.js';

const now = 1_800_000_000;
const setup = () => {
  const ports = {
    ...grantPorts(),
    clock: testClock(now),
    replay: memoryReplay(),
    clients: memoryClients([
      webClient({ grantTypes: ['authorization_code', 'refresh_token', 'client_credentials'], scope: ['api:read', 'openid'] }),
      webClient({ clientId: 'codeonly' }),
      publicClient({ grantTypes: ['client_credentials', 'authorization_code'] }),
    ]),
  };
  const grants = [registerGrant(authorizationCodeGrant), registerGrant(clientCredentialsGrant), registerGrant(refreshTokenGrant)];
  return { ports, handle: routeTable(ports.logger, [tokenRoute({ ...ports, config: testConfig({ lifetimes: { accessToken: 600 } }), grants })]).handle };
};

const basic = (id: string, secret: string) => `Basic ${base64Encode(utf8Encode(`${id}:${secret}`))}`;
const post = (body: string, headers: Record<string, string> = {}): HttpRequest =>
  httpRequest({ method: 'POST', path: '/token', headers: { 'content-type': 'application/x-www-form-urlencoded', authorization: basic('web', 'secret'), ...headers }, body: utf8Encode(body) });
const bodyOf = (r: HttpResponse) => (r._tag === 'Json' ? (r.body as Record<string, unknown>) : {});

describe('token endpoint (RFC 6749 §3.2, §5)', () => {
  it('answers a client_credentials request with 200 JSON and no-store headers', async () => {
    const r = await setup().handle(post('grant_type=client_credentials&scope=api%3Aread'));
    expect(r).toEqual({
      _tag: 'Json',
      status: 200,
      headers: { 'cache-control': 'no-store', pragma: 'no-cache' },
      body: { access_token: expect.any(String), token_type: 'Bearer', expires_in: 600, scope: 'api:read' },
    });
  });

  it.each([
    ['a JSON body', post('{"grant_type":"client_credentials"}', { 'content-type': 'application/json' }), 400, 'invalid_request'],
    ['a missing grant_type', post('scope=api%3Aread'), 400, 'invalid_request'],
    ['an unknown grant_type', post('grant_type=password&username=a&password=b'), 400, 'unsupported_grant_type'],
    ['a repeated parameter', post('grant_type=client_credentials&scope=a&scope=b'), 400, 'invalid_request'],
    ['a grant the client may not use', post('grant_type=client_credentials', { authorization: basic('codeonly', 'secret') }), 400, 'unauthorized_client'],
    ['a public client on client_credentials', post('grant_type=client_credentials&client_id=spa', { authorization: '' }), 400, 'unauthorized_client'],
    ['a missing code', post('grant_type=authorization_code'), 400, 'invalid_request'],
    ['an unknown code', post('grant_type=authorization_code&code=nope&redirect_uri=x'), 400, 'invalid_grant'],
    ['a scope beyond the client', post('grant_type=client_credentials&scope=admin'), 400, 'invalid_scope'],
  ])('refuses %s', async (_, req, status, error) => {
    const r = await setup().handle(req);
    expect(r.status).toBe(status);
    expect(bodyOf(r)).toEqual({ error, error_description: expect.any(String) });
    expect(r.headers['cache-control']).toBe('no-store');
  });

  it('checks the grant type before authenticating the client', async () => {
    const r = await setup().handle(post('grant_type=password', { authorization: basic('web', 'wrong') }));
    expect(bodyOf(r)['error']).toBe('unsupported_grant_type');
  });

  it('answers a failed Basic authentication with 401 and WWW-Authenticate', async () => {
    const r = await setup().handle(post('grant_type=client_credentials', { authorization: basic('web', 'wrong') }));
    expect(r.status).toBe(401);
    expect(bodyOf(r)['error']).toBe('invalid_client');
    expect(r.headers['www-authenticate']).toMatch(/^Basic realm=/);
  });

  it('refuses other methods with 405 and Allow', async () => {
    const r = await setup().handle(httpRequest({ method: 'GET', path: '/token', query: 'grant_type=client_credentials' }));
    expect(r.status).toBe(405);
    expect(r.headers['allow']).toBe('POST');
  });

  it('turns a rejecting port into a logged 500 without details', async () => {
    const { ports, handle } = setup();
    (ports.clients.all as Map<string, unknown>).clear();
    const faulty = { ...ports, clients: { ...ports.clients, find: () => () => Promise.reject(new Error('boom at line 1')) } };
    const r = await routeTable(faulty.logger, [tokenRoute({ ...faulty, config: testConfig(), grants: [registerGrant(clientCredentialsGrant)] })]).handle(post('grant_type=client_credentials'));
    expect(r.status).toBe(500);
    expect(JSON.stringify(r)).not.toContain('boom');
    expect(ports.logger.entries.some((e) => e.level === 'error')).toBe(true);
    expect((await handle(post('grant_type=client_credentials'))).status).toBe(401);
  });
});

describe('renderError', () => {
  it('never leaks detail or cause, and keeps error headers', () => {
    const r = renderError(serverError('db password wrong', new Error('secret')));
    expect(r).toEqual({ _tag: 'Json', status: 500, headers: { 'cache-control': 'no-store', pragma: 'no-cache' }, body: { error: 'server_error', error_description: expect.any(String) } });
    const h = renderError(oauthError('invalid_client', 'no', { headers: { 'www-authenticate': 'Basic realm="x"' } }));
    expect(h.status).toBe(401);
    expect(h.headers['www-authenticate']).toBe('Basic realm="x"');
  });
});
