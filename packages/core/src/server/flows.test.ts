/**
 * The authorization code flow and the device flow through `createAuthorizationServer`: the authorization endpoint,
 * the interaction contract, the device endpoints and the token endpoint working together.
 */
import { describe, expect, it } from 'vitest';
import { httpRequest } from '../http/http-request.js';
import { base64Encode, utf8Encode } from '../http/encoding.js';
import type { HttpResponse } from '../http/http-response.js';
import type { SecretHasher } from '../ports/runtime.js';
import {
  memoryAuthorizationCodes,
  memoryClients,
  memoryConsents,
  memoryDeviceCodes,
  memoryInteractions,
  publicClient,
  testClock,
  testLogger,
  testRandom,
  webClient,
} from '../test/fake-ports.js';
import { memoryAccessTokens, memoryRefreshTokens, memoryReplay } from '../test/token-fakes.js';
import { formEncode, splitUrl, utf8 } from '../test/http-helpers.js';
import { createAuthorizationServer } from './create-authorization-server.js';

/** A toy hasher whose output looks like base64url SHA-256 (43 characters), so PKCE S256 challenges pass validation. */
const toyHash = (value: string): string => {
  const alphabet = 'ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789-_';
  let h = 2166136261;
  let out = '';
  for (let i = 0; i < 43; i++) {
    for (const ch of `${i}:${value}`) h = Math.imul(h ^ ch.charCodeAt(0), 16777619) >>> 0;
    out += alphabet[h % 64];
  }
  return out;
};
const secrets: SecretHasher = { hash: toyHash, verify: (presented, expected) => toyHash(presented) === expected };

const deviceGrant = 'urn:ietf:params:oauth:grant-type:device_code';
const issuer = 'https://as.example.test';

const setup = () => {
  const clock = testClock(1_800_000_000);
  const ports = {
    clock,
    random: testRandom(),
    secrets,
    logger: testLogger(),
    clients: memoryClients([
      webClient({ secretHashes: [{ hash: toyHash('secret') }], scope: ['openid', 'profile', 'api:read'] }),
      publicClient({ clientId: 'tv', redirectUris: [], grantTypes: [deviceGrant, 'refresh_token'], responseTypes: [], scope: ['openid', 'profile'] }),
    ]),
    accessTokens: memoryAccessTokens(),
    refreshTokens: memoryRefreshTokens(),
    authorizationCodes: memoryAuthorizationCodes(),
    replay: memoryReplay(),
    interactions: memoryInteractions(),
    consents: memoryConsents(),
    deviceCodes: memoryDeviceCodes(),
  };
  const server = createAuthorizationServer({ issuer, grantTypes: ['authorization_code', 'refresh_token', deviceGrant] }, ports);
  const post = (path: string, form: Record<string, string>, headers: Record<string, string> = {}) =>
    server.handle(httpRequest({ method: 'POST', path, headers: { 'content-type': 'application/x-www-form-urlencoded', ...headers }, body: utf8(formEncode(form)) }));
  return { server, ports, clock, post };
};

const basic = `Basic ${base64Encode(utf8Encode('web:secret'))}`;

const bodyOf = (r: HttpResponse): Record<string, unknown> => (r._tag === 'Json' ? (r.body as Record<string, unknown>) : {});

describe('authorization code flow through the server', () => {
  it('authorize → interaction → finish → code → tokens; the code works once', async () => {
    const { server, post } = setup();
    const verifier = 'v'.repeat(50);
    const query = formEncode({ client_id: 'web', redirect_uri: 'https://rp.example.test/cb', response_type: 'code', scope: 'openid profile', state: 'st', code_challenge: toyHash(verifier), code_challenge_method: 'S256', nonce: 'nn' });
    const start = await server.handle(httpRequest({ method: 'GET', path: '/authorize', query }));
    expect(start).toMatchObject({ _tag: 'Redirect', status: 303 });
    const id = start._tag === 'Redirect' ? start.location.replace('/interaction/', '') : '';
    const details = await server.interactions.details(id);
    expect(details._tag).toBe('Found');
    const done = await server.interactions.finish(id, { subject: 'alice', scope: ['openid', 'profile'], authTime: 1_800_000_000 });
    const back = splitUrl(done._tag === 'Redirect' ? done.location : '');
    expect(back.base).toBe('https://rp.example.test/cb');
    expect(back.params).toMatchObject({ state: 'st', iss: issuer });
    const code = back.params['code']!;
    const exchange = () => post('/token', { grant_type: 'authorization_code', code, redirect_uri: 'https://rp.example.test/cb', code_verifier: verifier }, { authorization: basic });
    const tokens = await exchange();
    expect(tokens).toMatchObject({ status: 200, body: { token_type: 'Bearer', scope: 'openid profile' } });
    expect(typeof bodyOf(tokens)['refresh_token']).toBe('string');
    expect(await exchange()).toMatchObject({ status: 400, body: { error: 'invalid_grant' } });
  });

  it('an unknown client gets an HTML page from server.handle', async () => {
    const { server } = setup();
    const r = await server.handle(httpRequest({ method: 'GET', path: '/authorize', query: 'client_id=nobody&response_type=code' }));
    expect(r).toMatchObject({ _tag: 'Html', status: 400 });
  });
});

describe('device flow through the server', () => {
  it('device authorization → pending → approve on the verification page → tokens once', async () => {
    const { server, post, clock } = setup();
    const started = await post('/device_authorization', { client_id: 'tv', scope: 'openid profile' });
    expect(started.status).toBe(200);
    const { device_code: deviceCode, user_code: userCode, interval } = bodyOf(started) as { device_code: string; user_code: string; interval: number };
    const poll = () => post('/token', { grant_type: deviceGrant, device_code: deviceCode, client_id: 'tv' });
    expect(await poll()).toMatchObject({ status: 400, body: { error: 'authorization_pending' } });
    expect(await poll()).toMatchObject({ status: 400, body: { error: 'slow_down' } });
    expect(await server.device.lookup(userCode.toLowerCase())).toMatchObject({ _tag: 'Pending', client: { clientId: 'tv' }, scope: ['openid', 'profile'] });
    expect(await server.device.approve(userCode, { subject: 'alice', scope: ['openid', 'profile'], authTime: clock.now() })).toEqual({ _tag: 'Done' });
    clock.advance(interval + 5);
    const tokens = await poll();
    expect(tokens).toMatchObject({ status: 200, body: { token_type: 'Bearer', scope: 'openid profile' } });
    expect(typeof bodyOf(tokens)['refresh_token']).toBe('string');
    clock.advance(interval + 10);
    expect(await poll()).toMatchObject({ status: 400, body: { error: 'invalid_grant' } });
  });

  it('a denied device code answers access_denied', async () => {
    const { server, post } = setup();
    const started = bodyOf(await post('/device_authorization', { client_id: 'tv' })) as { device_code: string; user_code: string };
    expect(await server.device.deny(started.user_code)).toEqual({ _tag: 'Done' });
    expect(await post('/token', { grant_type: deviceGrant, device_code: started.device_code, client_id: 'tv' })).toMatchObject({ status: 400, body: { error: 'access_denied' } });
  });
});
