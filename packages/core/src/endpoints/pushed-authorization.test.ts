/** RFC 9126 through `createAuthorizationServer`: the PAR endpoint, then `request_uri` at the authorization endpoint. */
import { describe, expect, it } from 'vitest';
import fc from 'fast-check';
import { httpRequest } from '../http/http-request.js';
import { base64Encode, utf8Encode } from '../http/encoding.js';
import type { HttpResponse } from '../http/http-response.js';
import type { SecretHasher } from '../ports/runtime.js';
import { memoryAuthorizationCodes, memoryClients, memoryConsents, memoryDeviceCodes, memoryInteractions, memoryPushedRequests, publicClient, testClock, testLogger, testRandom, webClient } from '../test/fake-ports.js';
import { memoryAccessTokens, memoryRefreshTokens, memoryReplay } from '../test/token-fakes.js';
import { formEncode, splitUrl, utf8 } from '../test/http-helpers.js';
import { createAuthorizationServer } from '../server/create-authorization-server.js';

const issuer = 'https://as.example.test';
const challenge = 'E9Melhoa2OwvFrEMTJguCHaoeK1t8URWbuGUSfAHcCw';
const secrets: SecretHasher = { hash: (v) => `h(${v})`, verify: (p, e) => `h(${p})` === e };

const setup = (config: { readonly par?: { readonly required?: boolean } } = {}) => {
  const clock = testClock();
  const pushedRequests = memoryPushedRequests();
  const ports = {
    clock,
    random: testRandom(),
    secrets,
    logger: testLogger(),
    clients: memoryClients([
      webClient({ secretHashes: [{ hash: 'h(secret)' }] }),
      webClient({ clientId: 'web2', secretHashes: [{ hash: 'h(secret2)' }] }),
      publicClient(),
      publicClient({ clientId: 'strict', requirePushedAuthorizationRequests: true }),
    ]),
    accessTokens: memoryAccessTokens(),
    refreshTokens: memoryRefreshTokens(),
    authorizationCodes: memoryAuthorizationCodes(),
    replay: memoryReplay(),
    interactions: memoryInteractions(),
    consents: memoryConsents(),
    deviceCodes: memoryDeviceCodes(),
    pushedRequests,
  };
  const server = createAuthorizationServer({ issuer, ...config }, ports);
  const push = (form: Record<string, string | readonly string[]>, headers: Record<string, string> = {}) =>
    server.handle(httpRequest({ method: 'POST', path: '/par', headers: { 'content-type': 'application/x-www-form-urlencoded', ...headers }, body: utf8(formEncode(form)) }));
  const authorize = (query: Record<string, string>) => server.handle(httpRequest({ method: 'GET', path: '/authorize', query: formEncode(query) }));
  return { server, clock, push, authorize, pushedRequests };
};

const basic = (id: string, secret: string) => ({ authorization: `Basic ${base64Encode(utf8Encode(`${id}:${secret}`))}` });
const request = { response_type: 'code', redirect_uri: 'https://rp.example.test/cb', scope: 'openid profile', state: 'pushed-state', code_challenge: challenge, code_challenge_method: 'S256' };
const body = (r: HttpResponse): Record<string, unknown> => (r._tag === 'Json' ? (r.body as Record<string, unknown>) : {});
const requestUriOf = (r: HttpResponse): string => String(body(r)['request_uri']);

describe('pushed authorization request endpoint (RFC 9126 §2)', () => {
  it('a confidential client pushes with its credentials: 201 { request_uri, expires_in }, no-store; only the hash is kept', async () => {
    const { push, pushedRequests } = setup();
    const r = await push(request, basic('web', 'secret'));
    expect(r).toMatchObject({ _tag: 'Json', status: 201, headers: { 'cache-control': 'no-store' } });
    const uri = requestUriOf(r);
    expect(uri).toMatch(/^urn:ietf:params:oauth:request_uri:.+/);
    expect(body(r)['expires_in']).toBe(60);
    const [stored] = [...pushedRequests.all.values()];
    expect(stored).toMatchObject({ clientId: 'web', params: { state: ['pushed-state'], client_id: ['web'] } });
    const reference = uri.slice('urn:ietf:params:oauth:request_uri:'.length);
    expect(stored?.requestUriHash).toBe(secrets.hash(reference));
    expect(Object.values(stored?.params ?? {}).flat()).not.toContain(reference);
  });

  it('no, wrong or foreign credentials: 401 invalid_client; a public client sends client_id only', async () => {
    const { push } = setup();
    expect(await push(request)).toMatchObject({ status: 401, body: { error: 'invalid_client' } });
    expect(await push({ ...request, client_id: 'web' })).toMatchObject({ status: 401, body: { error: 'invalid_client' } });
    expect(await push(request, basic('web', 'wrong'))).toMatchObject({ status: 401, body: { error: 'invalid_client' } });
    expect(await push({ ...request, client_id: 'web2' }, basic('web', 'secret'))).toMatchObject({ status: 400, body: { error: 'invalid_request' } });
    expect(await push({ ...request, client_id: 'spa', redirect_uri: 'https://spa.example.test/cb' })).toMatchObject({ status: 201 });
  });

  it('the same validation as the authorization endpoint: unregistered redirect_uri, plain PKCE, unknown scope, pushed request_uri', async () => {
    const { push } = setup();
    const auth = basic('web', 'secret');
    expect(await push({ ...request, redirect_uri: 'https://evil.example/cb' }, auth)).toMatchObject({ status: 400, body: { error: 'invalid_request' } });
    expect(await push({ ...request, code_challenge_method: 'plain' }, auth)).toMatchObject({ status: 400, body: { error: 'invalid_request' } });
    expect(await push({ ...request, scope: 'openid admin' }, auth)).toMatchObject({ status: 400, body: { error: 'invalid_scope' } });
    expect(await push({ ...request, request_uri: 'urn:ietf:params:oauth:request_uri:x' }, auth)).toMatchObject({ status: 400, body: { error: 'invalid_request' } });
    expect(await push({ ...request, response_type: 'token' }, auth)).toMatchObject({ status: 400, body: { error: 'unsupported_response_type' } });
    const json = await push({}, { ...auth, 'content-type': 'application/json' });
    expect(json).toMatchObject({ status: 400, body: { error: 'invalid_request' } });
  });

  it('is advertised in both discovery documents, with require_pushed_authorization_requests', async () => {
    const { server } = setup({ par: { required: true } });
    for (const path of ['/.well-known/openid-configuration', '/.well-known/oauth-authorization-server']) {
      const r = await server.handle(httpRequest({ method: 'GET', path }));
      expect(body(r)).toMatchObject({ pushed_authorization_request_endpoint: `${issuer}/par`, require_pushed_authorization_requests: true });
    }
  });
});

describe('request_uri at the authorization endpoint (RFC 9126 §4)', () => {
  it('starts the pushed request (its redirect URI and state), once; a second use is an error page', async () => {
    const { server, push, authorize } = setup();
    const uri = requestUriOf(await push(request, basic('web', 'secret')));
    const started = await authorize({ client_id: 'web', request_uri: uri, state: 'ignored' });
    expect(started).toMatchObject({ _tag: 'Redirect', status: 303 });
    const id = started._tag === 'Redirect' ? started.location.replace('/interaction/', '') : '';
    const done = await server.interactions.finish(id, { subject: 'alice', scope: ['openid', 'profile'], authTime: 1_800_000_000 });
    const back = splitUrl(done._tag === 'Redirect' ? done.location : '');
    expect(back).toMatchObject({ base: 'https://rp.example.test/cb', params: { state: 'pushed-state', iss: issuer } });
    expect(back.params['code']).toBeDefined();
    expect(await authorize({ client_id: 'web', request_uri: uri })).toMatchObject({ _tag: 'Html', status: 400 });
  });

  it('used with another client_id: an error page, and the pushing client cannot use it afterwards either', async () => {
    const { push, authorize } = setup();
    const uri = requestUriOf(await push(request, basic('web', 'secret')));
    expect(await authorize({ client_id: 'web2', request_uri: uri })).toMatchObject({ _tag: 'Html', status: 400 });
    expect(await authorize({ client_id: 'web', request_uri: uri })).toMatchObject({ _tag: 'Html', status: 400 });
  });

  it('expires after expires_in; unknown or foreign-looking values are refused', async () => {
    const { push, authorize, clock } = setup();
    const uri = requestUriOf(await push(request, basic('web', 'secret')));
    clock.advance(61);
    expect(await authorize({ client_id: 'web', request_uri: uri })).toMatchObject({ _tag: 'Html', status: 400 });
    expect(await authorize({ client_id: 'web', request_uri: 'urn:ietf:params:oauth:request_uri:nope' })).toMatchObject({ _tag: 'Html', status: 400 });
    expect(await authorize({ client_id: 'web', request_uri: 'https://rp.example.test/request.jwt' })).toMatchObject({ _tag: 'Html', status: 400 });
  });

  it('a client registered with require_pushed_authorization_requests (or every client, server-wide) must push (§6)', async () => {
    const strict = setup();
    const plain = { ...request, client_id: 'strict', redirect_uri: 'https://spa.example.test/cb' };
    expect(await strict.authorize(plain)).toMatchObject({ _tag: 'Html', status: 400 });
    const uri = requestUriOf(await strict.push(plain));
    expect(await strict.authorize({ client_id: 'strict', request_uri: uri })).toMatchObject({ _tag: 'Redirect', status: 303 });
    expect(await strict.authorize({ ...request, client_id: 'spa', redirect_uri: 'https://spa.example.test/cb' })).toMatchObject({ _tag: 'Redirect', status: 303 });
    const everyone = setup({ par: { required: true } });
    expect(await everyone.authorize({ ...request, client_id: 'spa', redirect_uri: 'https://spa.example.test/cb' })).toMatchObject({ _tag: 'Html', status: 400 });
  });

  it('property: a pushed request starts exactly one authorization, and only for the client that pushed it', async () => {
    const clients = ['web', 'web2'] as const;
    await fc.assert(
      fc.asyncProperty(fc.constantFrom(...clients), fc.array(fc.constantFrom(...clients), { minLength: 1, maxLength: 6 }), async (pusher, users) => {
        const { push, authorize } = setup();
        const uri = requestUriOf(await push(request, basic(pusher, pusher === 'web' ? 'secret' : 'secret2')));
        const outcomes = [];
        for (const user of users) outcomes.push((await authorize({ client_id: user, request_uri: uri }))._tag === 'Redirect');
        const expected = users.map((user, i) => i === 0 && user === pusher);
        expect(outcomes).toEqual(expected);
      }),
      { numRuns: 40 },
    );
  });
});
