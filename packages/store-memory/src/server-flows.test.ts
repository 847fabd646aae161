/**
 * The memory store under the real authorization server: the authorization code flow, refresh-token rotation with
 * reuse detection, and the sweeper, with the real SHA-256 hasher and a seeded random.
 */
import { describe, expect, it } from 'vitest';
import { createAuthorizationServer, httpRequest, type Client, type HttpResponse } from '@grantor/core';
import { fakeRuntime, runStoreTask as ok, sha256Base64url } from '@grantor/testkit';
import { createMemoryStore } from './index.js';

const issuer = 'https://as.example.test';
const redirectUri = 'https://rp.example.test/cb';
const web: Client = {
  clientId: 'web',
  secretHashes: [{ hash: sha256Base64url('web-secret') }],
  redirectUris: [redirectUri],
  postLogoutRedirectUris: [],
  grantTypes: ['authorization_code', 'refresh_token'],
  responseTypes: ['code'],
  scope: ['openid', 'profile', 'offline_access'],
  tokenEndpointAuthMethod: 'client_secret_basic',
};
const basic = `Basic ${Buffer.from('web:web-secret').toString('base64')}`;

const setup = async () => {
  const runtime = fakeRuntime({ seed: 1, now: 1_800_000_000 });
  const store = createMemoryStore({ clock: runtime.clock });
  await ok(store.clients.save(web));
  const server = createAuthorizationServer({ issuer, grantTypes: ['authorization_code', 'refresh_token'] }, { ...store, ...runtime });
  const post = (path: string, form: Record<string, string>) =>
    server.handle(
      httpRequest({
        method: 'POST',
        path,
        headers: { 'content-type': 'application/x-www-form-urlencoded', authorization: basic },
        body: new TextEncoder().encode(new URLSearchParams(form).toString()),
      }),
    );
  return { runtime, store, server, post };
};

const body = (r: HttpResponse): Record<string, unknown> => (r._tag === 'Json' ? (r.body as Record<string, unknown>) : {});

/** Runs the authorization request and the login page's finish; returns the code and its PKCE verifier. */
const authorize = async (server: Awaited<ReturnType<typeof setup>>['server']) => {
  const verifier = 'a-pkce-verifier-that-is-long-enough-for-rfc-7636-section-4-1';
  const query = new URLSearchParams({
    client_id: 'web',
    redirect_uri: redirectUri,
    response_type: 'code',
    scope: 'openid profile offline_access',
    state: 's1',
    code_challenge: sha256Base64url(verifier),
    code_challenge_method: 'S256',
  }).toString();
  const start = await server.handle(httpRequest({ method: 'GET', path: '/authorize', query }));
  if (start._tag !== 'Redirect') throw new Error(`expected a redirect to the interaction page, got ${JSON.stringify(start)}`);
  const id = decodeURIComponent(start.location.split('/').pop() ?? '');
  const done = await server.interactions.finish(id, { subject: 'alice', scope: ['openid', 'profile', 'offline_access'], authTime: 1_800_000_000 });
  if (done._tag !== 'Redirect') throw new Error(`expected a redirect back to the client, got ${JSON.stringify(done)}`);
  const code = new URL(done.location).searchParams.get('code') ?? '';
  return { code, verifier };
};

describe('memory store under the authorization server', () => {
  it('refresh rotates; reusing a rotated token revokes the whole family (RFC 9700 §4.14.2)', async () => {
    const { server, post, store, runtime } = await setup();
    const { code, verifier } = await authorize(server);
    const first = await post('/token', { grant_type: 'authorization_code', code, redirect_uri: redirectUri, code_verifier: verifier });
    expect(first.status).toBe(200);
    const rt1 = String(body(first)['refresh_token']);
    runtime.clock.advance(60);
    const second = await post('/token', { grant_type: 'refresh_token', refresh_token: rt1 });
    expect(second.status).toBe(200);
    const rt2 = String(body(second)['refresh_token']);
    expect(rt2).not.toBe(rt1);

    runtime.clock.advance(3600);
    expect(await post('/token', { grant_type: 'refresh_token', refresh_token: rt1 })).toMatchObject({ status: 400, body: { error: 'invalid_grant' } });
    expect(await post('/token', { grant_type: 'refresh_token', refresh_token: rt2 })).toMatchObject({ status: 400, body: { error: 'invalid_grant' } });
    const stored = await ok(store.refreshTokens.find(sha256Base64url(rt2)));
    expect(stored._tag === 'Some' && stored.value.revokedAt).toBe(runtime.clock.now());
  });

  it('a replayed code is refused and the tokens issued from it are revoked (RFC 6749 §4.1.2)', async () => {
    const { server, post, store } = await setup();
    const { code, verifier } = await authorize(server);
    const exchange = () => post('/token', { grant_type: 'authorization_code', code, redirect_uri: redirectUri, code_verifier: verifier });
    const first = body(await exchange());
    expect(await exchange()).toMatchObject({ status: 400, body: { error: 'invalid_grant' } });
    const access = await ok(store.accessTokens.find(sha256Base64url(String(first['access_token']))));
    expect(access._tag === 'Some' && access.value.revokedAt !== undefined).toBe(true);
    expect(await post('/token', { grant_type: 'refresh_token', refresh_token: String(first['refresh_token']) })).toMatchObject({ status: 400, body: { error: 'invalid_grant' } });
  });

  it('the store never holds a bearer value in clear', async () => {
    const { server, post, store } = await setup();
    const { code, verifier } = await authorize(server);
    const tokens = body(await post('/token', { grant_type: 'authorization_code', code, redirect_uri: redirectUri, code_verifier: verifier }));
    const access = String(tokens['access_token']);
    const refresh = String(tokens['refresh_token']);
    expect(await ok(store.refreshTokens.find(refresh))).toMatchObject({ _tag: 'None' });
    expect(await ok(store.refreshTokens.find(sha256Base64url(refresh)))).toMatchObject({ _tag: 'Some' });
    expect(await ok(store.accessTokens.find(access))).toMatchObject({ _tag: 'None' });
    expect(await ok(store.authorizationCodes.redeem(code, 0))).toEqual({ _tag: 'NotFound' });
  });

  it('the sweeper clears codes, tokens and interactions once they expire', async () => {
    const { server, post, store, runtime } = await setup();
    const { code, verifier } = await authorize(server);
    await post('/token', { grant_type: 'authorization_code', code, redirect_uri: redirectUri, code_verifier: verifier });
    expect(store.stats().accessTokens).toBe(1);
    runtime.clock.advance(10 * 365 * 86_400);
    while ((await ok(store.sweeper.sweep(runtime.clock.now()))) > 0);
    expect(store.stats()).toMatchObject({ authorizationCodes: 0, accessTokens: 0, refreshTokens: 0, interactions: 0, clients: 1 });
  });
});
