/** OpenID Connect RP-Initiated Logout 1.0 through `createAuthorizationServer`: validation, redirect, session port. */
import { describe, expect, it } from 'vitest';
import * as E from 'fp-ts/lib/Either.js';
import * as TE from 'fp-ts/lib/TaskEither.js';
import { storeError } from '../errors/store-error.js';
import { httpRequest } from '../http/http-request.js';
import type { HttpResponse } from '../http/http-response.js';
import { defaultSigningAlgorithms, joseSigner } from '../keys/jose-signer.js';
import { memoryKeyStore } from '../keys/key-stores.js';
import type { Signer } from '../ports/keys.js';
import type { SessionPort } from '../ports/sessions.js';
import { createAuthorizationServer } from '../server/create-authorization-server.js';
import { memoryAuthorizationCodes, memoryClients, memoryConsents, memoryDeviceCodes, memoryInteractions, testClock, testLogger, testRandom, testSecrets, webClient } from '../test/fake-ports.js';
import { formEncode, splitUrl, utf8 } from '../test/http-helpers.js';
import { memoryAccessTokens, memoryRefreshTokens, memoryReplay } from '../test/token-fakes.js';

const issuer = 'https://as.example.test';
const logoutUri = 'https://rp.example.test/logged-out';

type Call = { subject: string | undefined; clientId: string | undefined; sessionId: string | undefined };

const setup = (sessions: 'recording' | 'failing' | 'none' = 'recording') => {
  const clock = testClock(1_800_000_000);
  const calls: Call[] = [];
  const recording: SessionPort = {
    endSession: (subject, clientId, context) => TE.fromIO(() => void calls.push({ subject, clientId, sessionId: context.sessionId })),
  };
  const failingPort: SessionPort = { endSession: () => TE.left(storeError('session store down', { transient: true })) };
  const ports = {
    clock,
    random: testRandom(),
    secrets: testSecrets,
    logger: testLogger(),
    clients: memoryClients([
      webClient({ postLogoutRedirectUris: [logoutUri, 'https://rp.example.test/bye?lang=en'] }),
      webClient({ clientId: 'other', postLogoutRedirectUris: ['https://other.example.test/bye'] }),
    ]),
    accessTokens: memoryAccessTokens(),
    refreshTokens: memoryRefreshTokens(),
    authorizationCodes: memoryAuthorizationCodes(),
    replay: memoryReplay(),
    interactions: memoryInteractions(),
    consents: memoryConsents(),
    deviceCodes: memoryDeviceCodes(),
    signer: joseSigner({ store: memoryKeyStore(), clock, algorithms: defaultSigningAlgorithms, maxTokenLifetime: 3600 }),
    ...(sessions === 'none' ? {} : { sessions: sessions === 'recording' ? recording : failingPort }),
  };
  const server = createAuthorizationServer({ issuer }, ports);
  const signer = ports.signer;
  return { server, clock, calls, signer };
};

const idToken = async (signer: Signer, claims: Record<string, unknown>, typ = 'JWT'): Promise<string> => {
  const now = 1_800_000_000;
  const r = await signer.sign({ iss: issuer, sub: 'alice', aud: 'web', iat: now, exp: now + 600, sid: 'sess-1', ...claims }, { alg: 'RS256', typ })();
  if (E.isLeft(r)) throw new Error('signing failed');
  return r.right;
};

const get = (params: Record<string, string>) => httpRequest({ method: 'GET', path: '/end_session', query: formEncode(params) });
const post = (params: Record<string, string>, contentType = 'application/x-www-form-urlencoded') =>
  httpRequest({ method: 'POST', path: '/end_session', headers: { 'content-type': contentType }, body: utf8(formEncode(params)) });

const expectErrorPage = (r: HttpResponse, status = 400) => {
  expect(r._tag).toBe('Html');
  expect(r.status).toBe(status);
};

describe('end-session endpoint (RP-Initiated Logout 1.0)', () => {
  it('discovery advertises end_session_endpoint', async () => {
    const { server } = setup();
    const r = await server.handle(httpRequest({ method: 'GET', path: '/.well-known/openid-configuration' }));
    expect(r._tag === 'Json' ? (r.body as Record<string, unknown>)['end_session_endpoint'] : undefined).toBe(`${issuer}/end_session`);
  });

  it('a bare GET without id_token_hint asks first (logout CSRF, RP-Initiated Logout §2): a form, nobody signed out', async () => {
    const { server, calls } = setup();
    const r = await server.handle(get({ client_id: 'web', post_logout_redirect_uri: logoutUri, state: 'a"<b' }));
    expect(r._tag).toBe('Html');
    expect(r.status).toBe(200);
    const page = r._tag === 'Html' ? r.html : '';
    expect(page).toContain('<form method="post"');
    expect(page).toContain(`<input type="hidden" name="post_logout_redirect_uri" value="${logoutUri}">`);
    expect(page).toContain('value="a&quot;&lt;b"');
    expect(calls).toEqual([]);
    expect((await server.handle(get({})))._tag).toBe('Html');
    expect(calls).toEqual([]);
  });

  it('no parameters (POST, the confirmed form): the signed-out page, and the host is told (no subject, no client)', async () => {
    const { server, calls } = setup();
    const r = await server.handle(post({}));
    expect(r._tag).toBe('Html');
    expect(r.status).toBe(200);
    expect(r._tag === 'Html' ? r.html : '').toContain('You have been signed out');
    expect(calls).toEqual([{ subject: undefined, clientId: undefined, sessionId: undefined }]);
  });

  it('a valid hint and a registered URI: 303 there with state; the host learns subject, client and sid', async () => {
    const { server, calls, signer } = setup();
    const hint = await idToken(signer, {});
    const r = await server.handle(get({ id_token_hint: hint, post_logout_redirect_uri: logoutUri, state: 's t&1' }));
    expect(r._tag).toBe('Redirect');
    expect(r.status).toBe(303);
    const { base, params } = splitUrl(r._tag === 'Redirect' ? r.location : '');
    expect(base).toBe(logoutUri);
    expect(params).toEqual({ state: 's t&1' });
    expect(calls).toEqual([{ subject: 'alice', clientId: 'web', sessionId: 'sess-1' }]);
  });

  it('POST with a form body works the same; a registered query is kept', async () => {
    const { server, signer } = setup();
    const r = await server.handle(post({ id_token_hint: await idToken(signer, {}), post_logout_redirect_uri: 'https://rp.example.test/bye?lang=en', state: 'x' }));
    expect(r._tag === 'Redirect' ? r.location : '').toBe('https://rp.example.test/bye?lang=en&state=x');
  });

  it('client_id alone identifies the client for the redirect; without state no state is added', async () => {
    const { server, calls } = setup();
    const r = await server.handle(post({ client_id: 'web', post_logout_redirect_uri: logoutUri }));
    expect(r._tag === 'Redirect' ? r.location : '').toBe(logoutUri);
    expect(calls).toEqual([{ subject: undefined, clientId: 'web', sessionId: undefined }]);
  });

  it('an expired hint is still accepted for logout', async () => {
    const { server, signer, clock } = setup();
    const hint = await idToken(signer, { exp: 1_800_000_000 - 86_400, iat: 1_800_000_000 - 90_000 });
    clock.advance(3600);
    const r = await server.handle(get({ id_token_hint: hint, post_logout_redirect_uri: logoutUri }));
    expect(r._tag).toBe('Redirect');
  });

  it('an unregistered post_logout_redirect_uri is an HTML error, never a redirect, and nothing is ended', async () => {
    const { server, calls, signer } = setup();
    for (const uri of ['https://evil.example.test/', `${logoutUri}/`, 'https://other.example.test/bye']) {
      expectErrorPage(await server.handle(get({ id_token_hint: await idToken(signer, {}), post_logout_redirect_uri: uri })));
      expectErrorPage(await server.handle(get({ client_id: 'web', post_logout_redirect_uri: uri })));
    }
    expect(calls).toEqual([]);
  });

  it('a post_logout_redirect_uri without client_id or hint cannot be checked: error page', async () => {
    const { server, calls } = setup();
    expectErrorPage(await server.handle(get({ post_logout_redirect_uri: logoutUri })));
    expect(calls).toEqual([]);
  });

  it('a hint signed by other keys, from another issuer, or an access token (at+jwt) is refused', async () => {
    const { server, calls, signer } = setup();
    const foreign = joseSigner({ store: memoryKeyStore(), clock: testClock(), maxTokenLifetime: 3600 });
    const hints = [
      await idToken(foreign, {}),
      await idToken(signer, { iss: 'https://evil.example.test' }),
      await idToken(signer, {}, 'at+jwt'),
      await idToken(signer, { sub: undefined }),
      'not.a.jwt',
      'garbage',
    ];
    for (const hint of hints) expectErrorPage(await server.handle(get({ id_token_hint: hint, post_logout_redirect_uri: logoutUri })));
    const good = await idToken(signer, {});
    const tampered = `${good.slice(0, -4)}${good.endsWith('AAAA') ? 'BBBB' : 'AAAA'}`;
    expectErrorPage(await server.handle(get({ id_token_hint: tampered })));
    expect(calls).toEqual([]);
  });

  it('a hint with several audiences names its client by azp; without azp the redirect cannot be checked', async () => {
    const { server, signer } = setup();
    const withAzp = await idToken(signer, { aud: ['api', 'web'], azp: 'web' });
    expect((await server.handle(get({ id_token_hint: withAzp, post_logout_redirect_uri: logoutUri })))._tag).toBe('Redirect');
    const withoutAzp = await idToken(signer, { aud: ['api', 'web'] });
    expectErrorPage(await server.handle(get({ id_token_hint: withoutAzp, post_logout_redirect_uri: logoutUri })));
    expect((await server.handle(get({ id_token_hint: withoutAzp, client_id: 'web', post_logout_redirect_uri: logoutUri })))._tag).toBe('Redirect');
  });

  it('client_id must be an audience of the hint; an unknown client is an error', async () => {
    const { server, calls, signer } = setup();
    expectErrorPage(await server.handle(get({ id_token_hint: await idToken(signer, {}), client_id: 'other', post_logout_redirect_uri: 'https://other.example.test/bye' })));
    expectErrorPage(await server.handle(get({ client_id: 'nobody' })));
    expect(calls).toEqual([]);
  });

  it('repeated parameters and a non-form POST are errors pages', async () => {
    const { server } = setup();
    expectErrorPage(await server.handle(httpRequest({ method: 'GET', path: '/end_session', query: 'state=a&state=b' })));
    expectErrorPage(await server.handle(post({ state: 'x' }, 'application/json')));
  });

  it('a failing session port: an error page (503 when transient), no redirect', async () => {
    const { server, signer } = setup('failing');
    expectErrorPage(await server.handle(get({ id_token_hint: await idToken(signer, {}), post_logout_redirect_uri: logoutUri })), 503);
  });

  it('without a session port the logout still answers', async () => {
    const { server } = setup('none');
    expect((await server.handle(post({ client_id: 'web', post_logout_redirect_uri: logoutUri })))._tag).toBe('Redirect');
  });
});
