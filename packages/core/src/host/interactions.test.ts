import { describe, expect, it } from 'vitest';
import fc from 'fast-check';
import * as TE from 'fp-ts/lib/TaskEither.js';
import { storeError } from '../errors/store-error.js';
import type { HttpResponse } from '../http/http-response.js';
import { httpRequest } from '../http/http-request.js';
import { handleAuthorize } from '../endpoints/authorize.js';
import { formEncode, splitUrl } from '../test/http-helpers.js';
import {
  memoryAuthorizationCodes,
  memoryClients,
  memoryConsents,
  memoryInteractions,
  testClock,
  testConfig,
  testIssuer,
  testLogger,
  testRandom,
  testSecrets,
  webClient,
} from '../test/fake-ports.js';
import { createInteractionApi } from './interactions.js';
import { memoryReplay } from '../test/token-fakes.js';

const challenge = 'E9Melhoa2OwvFrEMTJguCHaoeK1t8URWbuGUSfAHcCw';

const setup = (redirectUri = 'https://rp.example.test/cb', extra: Record<string, string> = {}) => {
  const config = testConfig();
  const ports = {
    clients: memoryClients([webClient()]),
    interactions: memoryInteractions(),
    consents: memoryConsents(),
    authorizationCodes: memoryAuthorizationCodes(),
    clock: testClock(),
    random: testRandom(),
    secrets: testSecrets,
    logger: testLogger(),
    replay: memoryReplay(),
  };
  const api = createInteractionApi(config, ports);
  const start = async (): Promise<string> => {
    const query = formEncode({ client_id: 'web', redirect_uri: redirectUri, response_type: 'code', scope: 'openid profile email', state: 's t&1', code_challenge: challenge, code_challenge_method: 'S256', nonce: 'n0', ...extra });
    const r = await handleAuthorize(config, ports)(httpRequest({ method: 'GET', path: '/authorize', query }));
    if (r._tag !== 'Redirect') throw new Error('authorize did not redirect');
    return r.location.replace('/interaction/', '');
  };
  return { config, ports, api, start };
};

const redirected = (r: HttpResponse) => {
  expect(r._tag).toBe('Redirect');
  return splitUrl(r._tag === 'Redirect' ? r.location : '');
};

describe('interaction contract', () => {
  it('exposes the pending request and which scopes still need consent', async () => {
    const { api, start, ports } = setup();
    const id = await start();
    const found = await api.details(id);
    expect(found._tag).toBe('Found');
    if (found._tag !== 'Found') return;
    expect(found.details.client.clientId).toBe('web');
    expect(found.details.interaction.scope).toEqual(['openid', 'profile', 'email']);
    expect(await found.details.scopesNeedingConsent('alice')).toEqual(['openid', 'profile', 'email']);
    await TE.getOrElse(() => () => Promise.resolve())(ports.consents.grant({ subject: 'alice', clientId: 'web', scope: ['openid', 'email'], grantedAt: 0 }))();
    expect(await found.details.scopesNeedingConsent('alice')).toEqual(['profile']);
  });

  it('finish issues a single-use code bound to the request and redirects with code, state and iss', async () => {
    const { api, start, ports } = setup();
    const id = await start();
    const r = await api.finish(id, { subject: 'alice', scope: ['openid', 'profile'], authTime: 1_799_999_990, acr: 'pwd' });
    expect(r.status).toBe(303);
    const url = redirected(r);
    expect(url.base).toBe('https://rp.example.test/cb');
    expect(url.params['state']).toBe('s t&1');
    expect(url.params['iss']).toBe(testIssuer);
    const code = url.params['code']!;
    expect(code.length).toBeGreaterThan(0);
    const stored = ports.authorizationCodes.all.get(testSecrets.hash(code));
    expect(stored).toMatchObject({
      clientId: 'web',
      redirectUri: 'https://rp.example.test/cb',
      subject: 'alice',
      scope: ['openid', 'profile'],
      pkce: { challenge, method: 'S256' },
      nonce: 'n0',
      authTime: 1_799_999_990,
      acr: 'pwd',
      expiresAt: stored!.issuedAt + 60,
    });
    expect(ports.authorizationCodes.all.has(code)).toBe(false);
    // Consent is remembered by default.
    expect(ports.consents.all.get('alice\u0000web')?.scope).toEqual(['openid', 'profile']);
  });

  it('a second finish (or deny) of the same interaction issues nothing', async () => {
    const { api, start, ports } = setup();
    const id = await start();
    await api.finish(id, { subject: 'alice', scope: ['openid'], authTime: 1 });
    const again = await api.finish(id, { subject: 'mallory', scope: ['openid'], authTime: 1 });
    expect(again._tag).toBe('Html');
    expect(again.status).toBe(400);
    expect((await api.deny(id))._tag).toBe('Html');
    expect(ports.authorizationCodes.all.size).toBe(1);
    expect((await api.details(id))._tag).toBe('Invalid');
  });

  it('concurrent finishes yield exactly one code', async () => {
    await fc.assert(
      fc.asyncProperty(fc.integer({ min: 2, max: 6 }), async (n) => {
        const { api, start, ports } = setup();
        const id = await start();
        const results = await Promise.all(Array.from({ length: n }, () => api.finish(id, { subject: 'alice', scope: ['openid'], authTime: 1 })));
        expect(results.filter((r) => r._tag === 'Redirect')).toHaveLength(1);
        expect(ports.authorizationCodes.all.size).toBe(1);
      }),
      { numRuns: 20 },
    );
  });

  it('refuses approved scopes beyond the requested ones without consuming the interaction', async () => {
    const { api, start, ports } = setup();
    const id = await start();
    const r = await api.finish(id, { subject: 'alice', scope: ['openid', 'api:read'], authTime: 1 });
    expect(r._tag).toBe('Html');
    expect(ports.interactions.all.get(id)?.finishedAt).toBeUndefined();
    expect((await api.finish(id, { subject: 'alice', scope: ['openid'], authTime: 1 }))._tag).toBe('Redirect');
  });

  it('does not remember consent when asked not to', async () => {
    const { api, start, ports } = setup();
    await api.finish(await start(), { subject: 'alice', scope: ['openid'], authTime: 1, rememberConsent: false });
    expect(ports.consents.all.size).toBe(0);
  });

  it('deny redirects access_denied with state and iss, keeping the registered query', async () => {
    const { api, start } = setup('https://rp.example.test/cb2?x=1');
    const url = redirected(await api.deny(await start()));
    expect(url.base).toBe('https://rp.example.test/cb2');
    expect(url.params).toMatchObject({ x: '1', error: 'access_denied', state: 's t&1', iss: testIssuer });
    expect(url.params['code']).toBeUndefined();
  });

  it('fail sends the OpenID Connect error (prompt=none without a session)', async () => {
    const { api, start } = setup('https://rp.example.test/cb', { prompt: 'none' });
    const id = await start();
    const found = await api.details(id);
    expect(found._tag === 'Found' && found.details.interaction.prompt).toEqual(['none']);
    expect(redirected(await api.fail(id, 'login_required')).params['error']).toBe('login_required');
  });

  it('refuses unknown and expired interactions with a page, never a redirect', async () => {
    const { api, start, ports } = setup();
    expect((await api.finish('nope', { subject: 'a', scope: [], authTime: 1 }))._tag).toBe('Html');
    expect((await api.details('nope'))._tag).toBe('Invalid');
    const id = await start();
    ports.clock.advance(901);
    expect((await api.details(id))._tag).toBe('Invalid');
    expect((await api.finish(id, { subject: 'a', scope: [], authTime: 1 }))._tag).toBe('Html');
    expect((await api.deny(id))._tag).toBe('Html');
    expect(ports.authorizationCodes.all.size).toBe(0);
  });

  it('sends a store failure while saving the code to the client as temporarily_unavailable', async () => {
    const s = setup();
    const id = await s.start();
    const api = createInteractionApi(s.config, { ...s.ports, authorizationCodes: { ...s.ports.authorizationCodes, save: () => TE.left(storeError('db down', { transient: true })) } });
    const url = redirected(await api.finish(id, { subject: 'alice', scope: ['openid'], authTime: 1 }));
    expect(url.params).toMatchObject({ error: 'temporarily_unavailable', state: 's t&1', iss: testIssuer });
  });

  it('never rejects, even when a store throws', async () => {
    const s = setup();
    const id = await s.start();
    const api = createInteractionApi(s.config, { ...s.ports, interactions: { ...s.ports.interactions, find: () => () => Promise.reject(new Error('boom')) } });
    const r = await api.finish(id, { subject: 'alice', scope: ['openid'], authTime: 1 });
    expect(r).toMatchObject({ _tag: 'Html', status: 500 });
    expect(r._tag === 'Html' && r.html.includes('boom')).toBe(false);
    expect((await api.details(id))._tag).toBe('Invalid');
  });
});
