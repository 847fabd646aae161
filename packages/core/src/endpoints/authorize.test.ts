import { describe, expect, it } from 'vitest';
import fc from 'fast-check';
import { httpRequest } from '../http/http-request.js';
import type { HttpResponse } from '../http/http-response.js';
import * as TE from 'fp-ts/lib/TaskEither.js';
import { storeError } from '../errors/store-error.js';
import {
  memoryClients,
  memoryInteractions,
  publicClient,
  testClock,
  testConfig,
  testIssuer,
  testLogger,
  testRandom,
  testSecrets,
  webClient,
} from '../test/fake-ports.js';
import { handleAuthorize } from './authorize.js';
import { appendQuery } from './authorization-response.js';
import { formEncode, splitUrl, utf8 } from '../test/http-helpers.js';
import type { ServerConfig } from '../config/server-config.js';

const challenge = 'E9Melhoa2OwvFrEMTJguCHaoeK1t8URWbuGUSfAHcCw'; // 43 chars

const setup = (config: ServerConfig = testConfig({ lifetimes: { interaction: 900 } })) => {
  const ports = {
    clients: memoryClients([webClient(), publicClient(), webClient({ clientId: 'cc', grantTypes: ['client_credentials'], responseTypes: [] })]),
    interactions: memoryInteractions(),
    clock: testClock(),
    random: testRandom(),
    logger: testLogger(),
    secrets: testSecrets,
  };
  const get = (query: Record<string, string | string[]>) => {
    const q = formEncode(query);
    return handleAuthorize(config, ports)(httpRequest({ method: 'GET', path: '/authorize', query: q }));
  };
  return { ports, get, config };
};

const good = { client_id: 'web', redirect_uri: 'https://rp.example.test/cb', response_type: 'code', scope: 'openid profile', state: 'xyz', code_challenge: challenge, code_challenge_method: 'S256' };

const location = (r: HttpResponse) => {
  if (r._tag !== 'Redirect') throw new Error(`expected a redirect, got ${r._tag} ${r.status}`);
  return splitUrl(r.location);
};
const expectRedirectError = (r: HttpResponse, error: string, state: string | null = 'xyz') => {
  const url = location(r);
  expect(url.base).toBe('https://rp.example.test/cb');
  expect(url.params['error']).toBe(error);
  expect(url.params['state'] ?? null).toBe(state);
  expect(url.params['iss']).toBe(testIssuer);
  expect(url.params['code']).toBeUndefined();
};
const expectErrorPage = (r: HttpResponse) => {
  expect(r._tag).toBe('Html');
  expect(r.status).toBeGreaterThanOrEqual(400);
  expect(r.status).toBeLessThan(500);
};

describe('authorization endpoint', () => {
  it('saves an interaction and sends the user agent to the interaction page', async () => {
    const { get, ports } = setup();
    const r = await get({ ...good, nonce: 'n-1', prompt: 'login consent', max_age: '300', login_hint: 'alice', ui_locales: 'fr', claims: '{}' });
    expect(r._tag).toBe('Redirect');
    if (r._tag !== 'Redirect') return;
    expect(r.status).toBe(303);
    const id = r.location.replace('/interaction/', '');
    const saved = ports.interactions.all.get(id);
    expect(saved).toMatchObject({
      id,
      kind: 'authorization_code',
      clientId: 'web',
      redirectUri: 'https://rp.example.test/cb',
      scope: ['openid', 'profile'],
      state: 'xyz',
      pkce: { challenge, method: 'S256' },
      nonce: 'n-1',
      prompt: ['login', 'consent'],
      maxAge: 300,
      loginHint: 'alice',
      uiLocales: 'fr',
      claims: '{}',
      responseMode: 'query',
    });
    expect(saved!.expiresAt - saved!.createdAt).toBe(900);
  });

  it('accepts a form POST (OpenID Connect Core §3.1.2.1)', async () => {
    const { ports, config } = setup();
    const body = utf8(formEncode(good));
    const r = await handleAuthorize(config, ports)(httpRequest({ method: 'POST', path: '/authorize', headers: { 'content-type': 'application/x-www-form-urlencoded' }, body }));
    expect(r._tag).toBe('Redirect');
    expect(ports.interactions.all.size).toBe(1);
  });

  it('uses the only registered redirect URI when it is omitted', async () => {
    const { get, ports } = setup();
    const { redirect_uri: _omit, ...rest } = good;
    const r = await get({ ...rest, client_id: 'spa' });
    expect(r._tag).toBe('Redirect');
    expect([...ports.interactions.all.values()][0]?.redirectUri).toBe('https://spa.example.test/cb');
  });

  describe('never redirects before the client and redirect URI are trusted', () => {
    it.each([
      ['an unknown client', { ...good, client_id: 'nobody' }],
      ['a missing client_id', { ...good, client_id: '' }],
      ['a repeated client_id', { ...good, client_id: ['web', 'web'] }],
      ['an unregistered redirect_uri', { ...good, redirect_uri: 'https://evil.example.test/cb' }],
      ['a redirect_uri differing by a trailing slash', { ...good, redirect_uri: 'https://rp.example.test/cb/' }],
      ['a redirect_uri with an extra query', { ...good, redirect_uri: 'https://rp.example.test/cb?a=b' }],
      ['an omitted redirect_uri with two registered', { ...good, redirect_uri: '' }],
      ['a repeated redirect_uri', { ...good, redirect_uri: ['https://rp.example.test/cb', 'https://rp.example.test/cb'] }],
      ['an unknown client with a bad response_type', { ...good, client_id: 'x', response_type: 'token' }],
    ])('%s → HTML error page', async (_name, query) => {
      const { get, ports } = setup();
      const r = await get(query);
      expectErrorPage(r);
      expect(ports.interactions.all.size).toBe(0);
    });

    it('escapes the page', async () => {
      const { get } = setup();
      const r = await get({ ...good, client_id: '<script>' });
      expect(r._tag === 'Html' && r.html.includes('<script>')).toBe(false);
    });

    it('shows a store failure as a 5xx page when the client cannot be looked up', async () => {
      const { ports, config } = setup();
      const broken = { ...ports, clients: { ...ports.clients, find: () => TE.left(storeError('down', { transient: true })) } };
      const r = await handleAuthorize(config, broken)(httpRequest({ method: 'GET', path: '/authorize', query: 'client_id=web' }));
      expect(r).toMatchObject({ _tag: 'Html', status: 503 });
      expect(r._tag === 'Html' && r.html.includes('down')).toBe(false);
    });
  });

  describe('redirects every other error with error, state and iss', () => {
    it.each([
      ['missing response_type', { ...good, response_type: '' }, 'invalid_request'],
      ['implicit', { ...good, response_type: 'token' }, 'unsupported_response_type'],
      ['hybrid', { ...good, response_type: 'code id_token' }, 'unsupported_response_type'],
      ['scope beyond the client', { ...good, scope: 'openid admin' }, 'invalid_scope'],
      ['malformed scope', { ...good, scope: 'openid "x' }, 'invalid_scope'],
      ['plain PKCE', { ...good, code_challenge_method: 'plain' }, 'invalid_request'],
      ['challenge without method (defaults to plain)', { ...good, code_challenge_method: '' }, 'invalid_request'],
      ['method without challenge', { ...good, code_challenge: '' }, 'invalid_request'],
      ['short S256 challenge', { ...good, code_challenge: 'abc' }, 'invalid_request'],
      ['unknown method', { ...good, code_challenge_method: 'S512' }, 'invalid_request'],
      ['response_mode fragment', { ...good, response_mode: 'fragment' }, 'invalid_request'],
      ['request object', { ...good, request: 'eyJ...' }, 'invalid_request'],
      ['repeated scope', { ...good, scope: ['openid', 'profile'] }, 'invalid_request'],
      ['prompt none with login', { ...good, prompt: 'none login' }, 'invalid_request'],
      ['unknown prompt', { ...good, prompt: 'bogus' }, 'invalid_request'],
      ['bad max_age', { ...good, max_age: '-1' }, 'invalid_request'],
    ])('%s → %s', async (_name, query, error) => {
      const { get, ports } = setup();
      expectRedirectError(await get(query), error);
      expect(ports.interactions.all.size).toBe(0);
    });

    it('a request_uri this server did not issue is an error page (RFC 9126 §4: nothing of it is trusted)', async () => {
      const { get, ports } = setup();
      expect(await get({ ...good, request_uri: 'urn:x' })).toMatchObject({ _tag: 'Html', status: 400 });
      expect(ports.interactions.all.size).toBe(0);
    });

    it('unauthorized_client when the client may not use the code flow', async () => {
      const { get, ports } = setup();
      ports.clients.all.set('web', webClient({ grantTypes: ['client_credentials'] }));
      expectRedirectError(await get(good), 'unauthorized_client');
      ports.clients.all.set('web', webClient({ responseTypes: [] }));
      expectRedirectError(await get(good), 'unauthorized_client');
    });

    it('requires PKCE from every client by default (OAuth 2.1 §4.1.1), and only from public clients when configured so', async () => {
      const { code_challenge: _c, code_challenge_method: _m, ...noPkce } = good;
      const byDefault = setup();
      expectRedirectError(await byDefault.get(noPkce), 'invalid_request');
      expect(byDefault.ports.interactions.all.size).toBe(0);
      const s = setup(testConfig({ pkce: { requiredFor: 'public', allowPlain: false } }));
      expect((await s.get(noPkce))._tag).toBe('Redirect');
      expect(s.ports.interactions.all.size).toBe(1);
      const pub = await s.get({ ...noPkce, client_id: 'spa', redirect_uri: 'https://spa.example.test/cb' });
      expect(location(pub).params['error']).toBe('invalid_request');
    });

    it('accepts plain PKCE only when enabled', async () => {
      const s = setup(testConfig({ pkce: { requiredFor: 'public', allowPlain: true } }));
      const verifier = 'a'.repeat(50);
      await s.get({ ...good, code_challenge: verifier, code_challenge_method: 'plain' });
      expect([...s.ports.interactions.all.values()][0]?.pkce).toEqual({ challenge: verifier, method: 'plain' });
    });

    it('leaves state out when none was sent', async () => {
      const { get } = setup();
      const { state: _s, ...noState } = good;
      expectRedirectError(await get({ ...noState, response_type: 'token' }), 'unsupported_response_type', null);
    });

    it('keeps the registered query of the redirect URI', async () => {
      const { get } = setup();
      const r = await get({ ...good, redirect_uri: 'https://rp.example.test/cb2?x=1', response_type: 'token' });
      const url = location(r);
      expect(url.params['x']).toBe('1');
      expect(url.params['error']).toBe('unsupported_response_type');
    });

    it('reports a store failure while saving as temporarily_unavailable at the redirect URI', async () => {
      const { ports, config } = setup();
      const broken = { ...ports, interactions: { ...ports.interactions, save: () => TE.left(storeError('busy', { transient: true })) } };
      const q = formEncode(good);
      expectRedirectError(await handleAuthorize(config, broken)(httpRequest({ method: 'GET', path: '/authorize', query: q })), 'temporarily_unavailable');
    });
  });

  it('property: never throws and never redirects to an untrusted place, whatever the query', async () => {
    const { ports, config } = setup();
    const handler = handleAuthorize(config, ports);
    const names = fc.constantFrom('client_id', 'redirect_uri', 'response_type', 'scope', 'state', 'code_challenge', 'code_challenge_method', 'prompt', 'max_age', '%', 'x');
    const values = fc.oneof(fc.constantFrom('web', 'spa', 'code', 'token', 'https://rp.example.test/cb', 'https://evil.example.test/', '%zz', '%E0%A4%A', 'openid', 'S256', challenge, ''), fc.string());
    await fc.assert(
      fc.asyncProperty(fc.array(fc.tuple(names, values), { maxLength: 10 }), fc.constantFrom('GET', 'POST'), async (pairs, method) => {
        const raw = pairs.map(([k, v]) => `${k}=${v.includes('%') ? v : encodeURIComponent(v)}`).join('&');
        const req =
          method === 'GET'
            ? httpRequest({ method, path: '/authorize', query: raw })
            : httpRequest({ method, path: '/authorize', headers: { 'content-type': 'application/x-www-form-urlencoded' }, body: utf8(raw) });
        const r = await handler(req);
        if (r._tag === 'Redirect') {
          const url = splitUrl(r.location);
          const trusted = url.base.startsWith('/interaction/') || ['https://rp.example.test/cb', 'https://rp.example.test/cb2', 'https://spa.example.test/cb'].includes(url.base);
          expect(trusted).toBe(true);
        } else {
          expect(r._tag).toBe('Html');
          expect(r.status).toBeLessThan(500);
        }
      }),
      { numRuns: 300 },
    );
  });
});

describe('appendQuery', () => {
  it('adds a query or extends an existing one, keeping a fragment last', () => {
    expect(appendQuery('https://a.test/cb', { code: 'c d', state: undefined })).toBe('https://a.test/cb?code=c%20d');
    expect(appendQuery('https://a.test/cb?x=1', { code: 'c' })).toBe('https://a.test/cb?x=1&code=c');
    expect(appendQuery('https://a.test/cb?', { code: 'c' })).toBe('https://a.test/cb?code=c');
    expect(appendQuery('https://a.test/cb#f', { code: 'c' })).toBe('https://a.test/cb?code=c#f');
  });

  it('property: the response parameters survive any value and any registered query', () => {
    const key = fc.stringMatching(/^[a-z]{1,6}$/);
    fc.assert(
      fc.property(fc.dictionary(key, fc.string({ minLength: 1 }), { maxKeys: 3 }), fc.string(), fc.option(fc.string(), { nil: undefined }), (registered, code, state) => {
        const query = formEncode(registered);
        const uri = `https://a.test/cb${query === '' ? '' : `?${query}`}`;
        const { base, params } = splitUrl(appendQuery(uri, { code, state, iss: testIssuer }));
        expect(base).toBe('https://a.test/cb');
        expect(params['code']).toBe(code);
        expect(params['state']).toBe(state);
        expect(params['iss']).toBe(testIssuer);
        for (const [k, v] of Object.entries(registered)) if (!['code', 'state', 'iss'].includes(k)) expect(params[k]).toBe(v);
      }),
    );
  });
});
