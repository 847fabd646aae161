import { describe, expect, it } from 'vitest';
import * as TE from 'fp-ts/lib/TaskEither.js';
import * as fc from 'fast-check';
import type { HttpResponse, JsonResponse } from '../http/http-response.js';
import { httpRequest } from '../http/http-request.js';
import { memoryClients, testClock, testConfig, testLogger, testRandom, testSecrets, webClient } from '../test/fake-ports.js';
import { utf8 } from '../test/http-helpers.js';
import { registrationRoute } from './registration.js';

const setup = (mode: 'open' | 'token' = 'open') => {
  const clients = memoryClients([webClient()]);
  const route = registrationRoute({
    config: testConfig({
      scopesSupported: ['openid', 'profile', 'api:read'],
      grantTypes: ['authorization_code', 'refresh_token', 'client_credentials'],
      registration: mode === 'open' ? { mode } : { mode, initialAccessTokenHashes: [testSecrets.hash('initial-token')] },
    }),
    clients,
    registeredClients: { remove: (id) => TE.fromIO(() => clients.all.delete(id)), listRegistered: () => TE.right([...clients.all.values()].filter((c) => c.registration !== undefined)) },
    clock: testClock(),
    random: testRandom(),
    secrets: testSecrets,
    logger: testLogger(),
    authMethods: ['client_secret_basic', 'client_secret_post', 'private_key_jwt', 'none', 'client_secret_jwt'],
  });
  const send = async (method: string, body?: unknown, headers: Record<string, string> = {}, query = ''): Promise<JsonResponse | HttpResponse> =>
    route.handle(httpRequest({
      method,
      path: '/connect/register',
      query,
      headers: { ...(body === undefined ? {} : { 'content-type': 'application/json' }), ...headers },
      body: body === undefined ? undefined : utf8(typeof body === 'string' ? body : JSON.stringify(body)),
    }));
  return { clients, send };
};

const bodyOf = (r: HttpResponse): Record<string, unknown> => (r._tag === 'Json' ? (r.body as Record<string, unknown>) : {});
const queryOf = (uri: unknown): string => String(uri).split('?')[1] ?? '';
const web = { client_name: 'App', redirect_uris: ['https://app.example.test/cb'], grant_types: ['authorization_code'], scope: 'openid', token_endpoint_auth_method: 'client_secret_basic' };

describe('dynamic client registration (RFC 7591, RFC 7592)', () => {
  it('registers a client with a generated id, a hashed secret and a hashed registration access token', async () => {
    const { clients, send } = setup();
    const r = await send('POST', web);
    expect(r.status).toBe(201);
    const body = bodyOf(r);
    expect(body).toMatchObject({ client_name: 'App', redirect_uris: ['https://app.example.test/cb'], response_types: ['code'], scope: 'openid', client_secret_expires_at: 0 });
    const stored = clients.all.get(body['client_id'] as string);
    expect(stored?.secretHashes).toEqual([{ hash: `h(${String(body['client_secret'])})` }]);
    expect(stored?.registration?.accessTokenHash).toBe(`h(${String(body['registration_access_token'])})`);
    expect(body['registration_client_uri']).toBe(`https://as.example.test/connect/register?client_id=${String(body['client_id'])}`);
  });

  it('gives public clients no secret; defaults the scope to what registration allows', async () => {
    const { send } = setup();
    const r = bodyOf(await send('POST', { redirect_uris: ['com.example.app:/cb'], token_endpoint_auth_method: 'none' }));
    expect(r).not.toHaveProperty('client_secret');
    expect(r['scope']).toBe('openid profile api:read');
  });

  it.each([
    [{ redirect_uris: ['https://app.example.test/cb#f'] }, 'invalid_redirect_uri'],
    [{ redirect_uris: ['http://app.example.test/cb'] }, 'invalid_redirect_uri'],
    [{ redirect_uris: ['javascript:alert(1)'] }, 'invalid_redirect_uri'],
    [{ redirect_uris: ['myapp:/cb'] }, 'invalid_redirect_uri'],
    [{ redirect_uris: ['https://a.test/cb'], token_endpoint_auth_method: 'magic' }, 'invalid_client_metadata'],
    [{ redirect_uris: ['https://a.test/cb'], scope: 'admin' }, 'invalid_client_metadata'],
    [{ redirect_uris: ['https://a.test/cb'], grant_types: ['password'] }, 'invalid_client_metadata'],
    [{ grant_types: ['client_credentials'], token_endpoint_auth_method: 'none' }, 'invalid_client_metadata'],
    [{ grant_types: ['authorization_code'] }, 'invalid_redirect_uri'],
    [{ grant_types: ['client_credentials'], token_endpoint_auth_method: 'client_secret_jwt' }, 'invalid_client_metadata'],
    ['not json', 'invalid_client_metadata'],
    [[1, 2], 'invalid_client_metadata'],
  ])('refuses %j with %s', async (metadata, code) => {
    const r = await setup().send('POST', metadata);
    expect(r.status).toBe(400);
    expect(bodyOf(r)['error']).toBe(code);
  });

  it('accepts loopback http redirects on any port (RFC 8252 §7.3)', async () => {
    const r = await setup().send('POST', { redirect_uris: ['http://127.0.0.1:51234/cb', 'http://[::1]/cb', 'http://localhost:8080/'], token_endpoint_auth_method: 'none' });
    expect(r.status).toBe(201);
  });

  it('token mode requires the initial access token', async () => {
    const { send } = setup('token');
    expect((await send('POST', web)).status).toBe(401);
    expect((await send('POST', web, { authorization: 'Bearer wrong' })).status).toBe(401);
    expect((await send('POST', web, { authorization: 'Bearer initial-token' })).status).toBe(201);
  });

  it('reads, updates (rotating the token, keeping the secret) and deletes with the registration access token', async () => {
    const { clients, send } = setup();
    const created = bodyOf(await send('POST', web));
    const query = queryOf(created['registration_client_uri']);
    const auth = { authorization: `Bearer ${String(created['registration_access_token'])}` };
    expect(bodyOf(await send('GET', undefined, auth, query))).toMatchObject({ client_id: created['client_id'], client_name: 'App' });
    const updated = await send('PUT', { ...web, client_id: created['client_id'], client_name: 'App 2' }, auth, query);
    expect(updated.status).toBe(200);
    const next = bodyOf(updated);
    expect(next).not.toHaveProperty('client_secret');
    expect(next['registration_access_token']).not.toBe(created['registration_access_token']);
    expect((await send('GET', undefined, auth, query)).status).toBe(401);
    const nextAuth = { authorization: `Bearer ${String(next['registration_access_token'])}` };
    expect(clients.all.get(created['client_id'] as string)?.secretHashes).toEqual([{ hash: `h(${String(created['client_secret'])})` }]);
    expect((await send('PUT', { ...web, client_id: 'someone-else' }, nextAuth, query)).status).toBe(400);
    expect((await send('DELETE', undefined, nextAuth, query)).status).toBe(204);
    expect(clients.all.has(created['client_id'] as string)).toBe(false);
    expect((await send('GET', undefined, nextAuth, query)).status).toBe(401);
  });

  it('statically configured clients cannot be managed', async () => {
    const { send } = setup();
    expect((await send('GET', undefined, { authorization: 'Bearer x' }, 'client_id=web')).status).toBe(401);
  });
});

describe('property: a registration access token manages only its own client', () => {
  it('any token presented for another client is refused and changes nothing', async () => {
    await fc.assert(
      fc.asyncProperty(fc.integer({ min: 2, max: 4 }), fc.nat(), fc.nat(), fc.constantFrom('GET', 'PUT', 'DELETE'), async (n, i, j, method) => {
        const { clients, send } = setup();
        const registered = [];
        for (let k = 0; k < n; k++) registered.push(bodyOf(await send('POST', { ...web, client_name: `c${k}` })));
        const owner = registered[i % n] as Record<string, unknown>;
        const target = registered[j % n] as Record<string, unknown>;
        const before = JSON.stringify([...clients.all.entries()]);
        const r = await send(method, method === 'PUT' ? { ...web, client_id: target['client_id'], client_name: 'taken' } : undefined,
          { authorization: `Bearer ${String(owner['registration_access_token'])}` }, queryOf(target['registration_client_uri']));
        if (owner['client_id'] === target['client_id']) {
          expect(r.status).toBeLessThan(300);
        } else {
          expect(r.status).toBe(401);
          expect(bodyOf(r)).not.toHaveProperty('client_name');
          expect(JSON.stringify([...clients.all.entries()])).toBe(before);
        }
      }),
      { numRuns: 60 },
    );
  });
});
