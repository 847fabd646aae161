import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import * as client from 'openid-client';
import * as oauth from 'oauth4webapi';
import { createBrowser, formsOf } from './browser.js';
import { makeSeed, type SeedFixture } from './fixtures.js';
import { asMetadata, authorize, callbackOf, discover } from './flows.js';
import { startServer, type Running } from './harness.js';

/** The OpenID Connect authorization code flow through the real pages, with openid-client and oauth4webapi. */
describe('authorization code flow (end to end)', () => {
  let server: Running;
  let f: SeedFixture;
  let web: client.Configuration;
  beforeAll(async () => {
    f = await makeSeed();
    server = await startServer(f.seed);
    web = await discover(server.issuer, f.web.id, client.ClientSecretBasic(f.web.secret));
  });
  afterAll(async () => {
    if (server === undefined) return;
    const stopped = await server.stop('SIGTERM');
    expect(stopped.ms).toBeLessThan(5000);
  });

  const codeRequest = async (config: client.Configuration, params: Record<string, string> = {}) => {
    const verifier = client.randomPKCECodeVerifier();
    const state = client.randomState();
    const nonce = client.randomNonce();
    const url = client.buildAuthorizationUrl(config, {
      redirect_uri: f.web.redirectUri, scope: 'openid profile email', code_challenge: await client.calculatePKCECodeChallenge(verifier),
      code_challenge_method: 'S256', state, nonce, ...params,
    });
    return { url, verifier, state, nonce };
  };

  it('publishes the same metadata at both discovery addresses', async () => {
    const oidc = (await (await fetch(`${server.issuer}/.well-known/openid-configuration`)).json()) as Record<string, unknown>;
    const rfc8414 = (await (await fetch(`${server.issuer}/.well-known/oauth-authorization-server`)).json()) as Record<string, unknown>;
    expect(rfc8414).toEqual(oidc);
    expect(oidc['issuer']).toBe(server.issuer);
    for (const k of ['authorization_endpoint', 'token_endpoint', 'jwks_uri', 'userinfo_endpoint', 'introspection_endpoint', 'revocation_endpoint', 'device_authorization_endpoint',
      'response_types_supported', 'grant_types_supported', 'code_challenge_methods_supported', 'token_endpoint_auth_methods_supported', 'scopes_supported', 'subject_types_supported']) {
      expect(oidc, k).toHaveProperty(k);
    }
    expect(oidc['id_token_signing_alg_values_supported']).toContain('RS256');
    expect(oidc['authorization_response_iss_parameter_supported']).toBe(true);
    expect(oidc['code_challenge_methods_supported']).toEqual(['S256']);
    expect(oidc['scopes_supported']).toEqual(expect.arrayContaining(['openid', 'profile', 'email', 'offline_access', 'api:read', 'api:write']));
    const jwks = (await (await fetch(oidc['jwks_uri'] as string)).json()) as { keys: Record<string, unknown>[] };
    expect(jwks.keys.some((k) => k['kty'] === 'RSA')).toBe(true);
    for (const k of jwks.keys) for (const priv of ['d', 'p', 'q', 'dp', 'dq', 'qi']) expect(k).not.toHaveProperty(priv);
  });

  it('logs in, consents, and gets an ID token (nonce, sub) openid-client validates; userinfo; introspection; revocation', async () => {
    const r = await codeRequest(web);
    const { callback } = await authorize(server.issuer, r.url, f.user);
    expect(callback.origin + callback.pathname).toBe(f.web.redirectUri);
    expect(callback.searchParams.get('state')).toBe(r.state);
    expect(callback.searchParams.get('iss')).toBe(server.issuer);
    const tokens = await client.authorizationCodeGrant(web, callback, { pkceCodeVerifier: r.verifier, expectedState: r.state, expectedNonce: r.nonce, idTokenExpected: true });
    const claims = tokens.claims()!;
    expect(claims).toMatchObject({ iss: server.issuer, sub: f.user.sub, aud: f.web.id, nonce: r.nonce });
    expect(tokens.refresh_token).toEqual(expect.any(String));
    expect(tokens.token_type.toLowerCase()).toBe('bearer');
    const info = await client.fetchUserInfo(web, tokens.access_token, f.user.sub);
    expect(info).toMatchObject({ sub: f.user.sub, name: 'Alice Example', given_name: 'Alice', email: f.user.claims['email'], email_verified: true });
    const active = await client.tokenIntrospection(web, tokens.access_token);
    expect(active).toMatchObject({ active: true, client_id: f.web.id, sub: f.user.sub });
    expect(active.scope?.split(' ')).toEqual(expect.arrayContaining(['openid', 'profile', 'email']));
    expect(active.exp).toEqual(expect.any(Number));
    await client.tokenRevocation(web, tokens.access_token);
    expect((await client.tokenIntrospection(web, tokens.access_token)).active).toBe(false);
  });

  it('rotates refresh tokens; a replayed one is refused and revokes the family; a refresh never widens scope', async () => {
    const r = await codeRequest(web, { scope: 'openid profile' });
    const { callback } = await authorize(server.issuer, r.url, f.user);
    const first = await client.authorizationCodeGrant(web, callback, { pkceCodeVerifier: r.verifier, expectedState: r.state, expectedNonce: r.nonce });
    await expect(client.refreshTokenGrant(web, first.refresh_token!, { scope: 'openid profile email' })).rejects.toMatchObject({ error: 'invalid_scope' });
    const second = await client.refreshTokenGrant(web, first.refresh_token!);
    expect(second.refresh_token).toEqual(expect.any(String));
    expect(second.refresh_token).not.toBe(first.refresh_token);
    expect(second.scope?.split(' ').sort()).toEqual(['openid', 'profile']);
    await expect(client.refreshTokenGrant(web, first.refresh_token!)).rejects.toMatchObject({ error: 'invalid_grant' });
    await expect(client.refreshTokenGrant(web, second.refresh_token!)).rejects.toMatchObject({ error: 'invalid_grant' });
    expect((await client.tokenIntrospection(web, second.access_token)).active).toBe(false);
  });

  it('userinfo releases only the claims of the granted scopes; another client cannot introspect the token', async () => {
    const r = await codeRequest(web, { scope: 'openid profile' });
    const { callback } = await authorize(server.issuer, r.url, f.user);
    const tokens = await client.authorizationCodeGrant(web, callback, { pkceCodeVerifier: r.verifier, expectedState: r.state, expectedNonce: r.nonce });
    const info = await client.fetchUserInfo(web, tokens.access_token, f.user.sub);
    expect(info).toMatchObject({ sub: f.user.sub, name: 'Alice Example', family_name: 'Example' });
    expect(info).not.toHaveProperty('email');
    const machine = await discover(server.issuer, f.machine.id, client.ClientSecretBasic(f.machine.secret));
    expect((await client.tokenIntrospection(machine, tokens.access_token)).active).toBe(false);
    expect((await client.tokenIntrospection(web, tokens.access_token)).active).toBe(true);
  });

  it('remembers consent (second request goes straight back), and prompt=login shows the login page again', async () => {
    const b = createBrowser([new URL(server.issuer).origin]);
    const r1 = await codeRequest(web, { scope: 'openid api:read' });
    await authorize(server.issuer, r1.url, f.user, { browser: b });
    const r2 = await codeRequest(web, { scope: 'openid api:read' });
    const straight = await b.get(r2.url.toString());
    expect([302, 303]).toContain(straight.status);
    expect(new URL(straight.headers.get('location')!).searchParams.get('code')).toEqual(expect.any(String));
    const r3 = await codeRequest(web, { scope: 'openid api:read', prompt: 'login' });
    const login = await b.get(r3.url.toString());
    expect(login.status).toBe(200);
    expect(login.body).toMatch(/name="password"/);
  });

  it('RP-initiated logout: end_session with id_token_hint ends the browser session, clears its cookie, 303 to the registered URI with state', async () => {
    const b = createBrowser([new URL(server.issuer).origin]);
    const r = await codeRequest(web, { scope: 'openid' });
    const { callback } = await authorize(server.issuer, r.url, f.user, { browser: b });
    const tokens = await client.authorizationCodeGrant(web, callback, { pkceCodeVerifier: r.verifier, expectedState: r.state, expectedNonce: r.nonce });
    const signedIn = b.cookies().find((c) => c.name === 'grantor_session');
    expect(signedIn).toBeDefined();
    // Signed in: the next request goes straight back to the client.
    expect([302, 303]).toContain((await b.get((await codeRequest(web, { scope: 'openid' })).url.toString())).status);

    const state = client.randomState();
    const logoutUrl = client.buildEndSessionUrl(web, { id_token_hint: tokens.id_token!, post_logout_redirect_uri: f.web.postLogoutRedirectUri, state });
    const out = await b.get(logoutUrl.toString());
    expect(out.status).toBe(303);
    const back = new URL(out.headers.get('location')!);
    expect(back.origin + back.pathname).toBe(f.web.postLogoutRedirectUri);
    expect(back.searchParams.get('state')).toBe(state);
    expect(out.headers.getSetCookie().some((c) => /^grantor_session=;.*Max-Age=0/.test(c))).toBe(true);
    expect(b.cookies().some((c) => c.name === 'grantor_session')).toBe(false);

    // The next authorization request shows the login page again.
    const again = await b.get((await codeRequest(web, { scope: 'openid' })).url.toString());
    expect(again.status).toBe(200);
    expect(again.body).toMatch(/name="password"/);
    // The session is gone on the server too: the old cookie no longer signs anyone in.
    const start = await fetch((await codeRequest(web, { scope: 'openid' })).url, { redirect: 'manual' });
    const interaction = new URL(start.headers.get('location')!, server.issuer);
    const withOld = await fetch(interaction, { headers: { cookie: `grantor_session=${signedIn!.value}` }, redirect: 'manual' });
    expect(withOld.status).toBe(200);
    expect(await withOld.text()).toMatch(/name="password"/);
  });

  it('logout CSRF: a bare GET end_session without id_token_hint asks first (RP-Initiated Logout §2); only the confirmed form signs out', async () => {
    const b = createBrowser([new URL(server.issuer).origin]);
    const r = await codeRequest(web, { scope: 'openid' });
    await authorize(server.issuer, r.url, f.user, { browser: b });
    const bare = client.buildEndSessionUrl(web, { post_logout_redirect_uri: f.web.postLogoutRedirectUri, state: 'st' });
    bare.searchParams.delete('id_token_hint');
    const ask = await b.get(bare.toString());
    expect(ask.status).toBe(200);
    expect(ask.headers.getSetCookie()).toEqual([]);
    // still signed in: the next authorization request goes straight back to the client
    expect([302, 303]).toContain((await b.get((await codeRequest(web, { scope: 'openid' })).url.toString())).status);
    const form = formsOf(ask)[0]!;
    const out = await b.submit(form, {}, { name: 'logout', value: 'confirm' });
    expect(out.status).toBe(303);
    expect(out.headers.get('location')).toBe(`${f.web.postLogoutRedirectUri}?state=st`);
    expect(b.cookies().some((c) => c.name === 'grantor_session')).toBe(false);
  });

  it('end_session refuses an unregistered post_logout_redirect_uri with an error page, redirects nowhere, and keeps the session', async () => {
    const b = createBrowser([new URL(server.issuer).origin]);
    const r = await codeRequest(web, { scope: 'openid' });
    const { callback } = await authorize(server.issuer, r.url, f.user, { browser: b });
    const tokens = await client.authorizationCodeGrant(web, callback, { pkceCodeVerifier: r.verifier, expectedState: r.state, expectedNonce: r.nonce });
    const bad = client.buildEndSessionUrl(web, { id_token_hint: tokens.id_token!, post_logout_redirect_uri: 'https://evil.example.test/', state: 's' });
    const page = await b.get(bad.toString());
    expect(page.status).toBe(400);
    expect(page.headers.get('location')).toBeNull();
    expect(page.headers.getSetCookie()).toEqual([]);
    expect([302, 303]).toContain((await b.get((await codeRequest(web, { scope: 'openid' })).url.toString())).status);
  });

  it('prompt=none without a session answers login_required at the redirect URI; pages escape client data', async () => {
    const r = await codeRequest(web, { prompt: 'none' });
    const b = createBrowser([new URL(server.issuer).origin]);
    const page = await b.get(r.url.toString());
    expect(page.body).not.toMatch(/<form/);
    const back = callbackOf(page);
    expect(back.searchParams.get('error')).toBe('login_required');
    expect(back.searchParams.get('state')).toBe(r.state);
    expect(back.searchParams.get('iss')).toBe(server.issuer);
    const login = await b.get((await codeRequest(web)).url.toString());
    expect(login.body).toContain('Web &lt;RP&gt; &amp; Co');
    expect(login.body).not.toContain('Web <RP>');
  });

  it('deny ends with access_denied, state and iss', async () => {
    const r = await codeRequest(web, { scope: 'openid offline_access' });
    const { callback } = await authorize(server.issuer, r.url, f.user, { decision: 'deny' });
    expect(callback.searchParams.get('error')).toBe('access_denied');
    expect(callback.searchParams.get('state')).toBe(r.state);
    expect(callback.searchParams.get('iss')).toBe(server.issuer);
    expect(callback.searchParams.get('code')).toBeNull();
  });

  it('a wrong password shows the login page again and never completes', async () => {
    const r = await codeRequest(web);
    const b = createBrowser([new URL(server.issuer).origin]);
    const login = await b.get(r.url.toString());
    const { signIn } = await import('./flows.js');
    const again = await signIn(b, login, f.user, 'wrong-password');
    expect(again.status).toBeLessThan(500);
    expect(again.headers.get('location')).toBeNull();
    expect(again.body).toMatch(/name="password"/);
  });

  it('public client: PKCE required, tokens with client authentication "none"', async () => {
    const spa = await discover(server.issuer, f.spa.id, client.None());
    const verifier = client.randomPKCECodeVerifier();
    const state = client.randomState();
    const url = client.buildAuthorizationUrl(spa, { redirect_uri: f.spa.redirectUri, scope: 'openid profile', state, code_challenge: await client.calculatePKCECodeChallenge(verifier), code_challenge_method: 'S256' });
    const { callback } = await authorize(server.issuer, url, f.user);
    const tokens = await client.authorizationCodeGrant(spa, callback, { pkceCodeVerifier: verifier, expectedState: state });
    expect(tokens.claims()?.sub).toBe(f.user.sub);
    const noPkce = client.buildAuthorizationUrl(spa, { redirect_uri: f.spa.redirectUri, scope: 'openid', state: 'st-1' });
    const res = await fetch(noPkce, { redirect: 'manual' });
    const back = new URL(res.headers.get('location')!);
    expect(back.origin + back.pathname).toBe(f.spa.redirectUri);
    expect(back.searchParams.get('error')).toBe('invalid_request');
    expect(back.searchParams.get('state')).toBe('st-1');
    expect(back.searchParams.get('iss')).toBe(server.issuer);
  });

  it('client_secret_post client with oauth4webapi; refresh tokens only for clients registered for them', async () => {
    const as = await asMetadata(server.issuer);
    const c: oauth.Client = { client_id: f.post.id };
    const verifier = oauth.generateRandomCodeVerifier();
    const state = oauth.generateRandomState();
    const url = new URL(as.authorization_endpoint!);
    url.search = new URLSearchParams({ client_id: f.post.id, response_type: 'code', redirect_uri: f.post.redirectUri, scope: 'openid api:read', state,
      code_challenge: await oauth.calculatePKCECodeChallenge(verifier), code_challenge_method: 'S256' }).toString();
    const { callback } = await authorize(server.issuer, url, f.user);
    const params = oauth.validateAuthResponse(as, c, callback, state);
    const res = await oauth.authorizationCodeGrantRequest(as, c, oauth.ClientSecretPost(f.post.secret), params, f.post.redirectUri, verifier, { [oauth.allowInsecureRequests]: true });
    const tokens = await oauth.processAuthorizationCodeResponse(as, c, res, { expectedNonce: oauth.expectNoNonce });
    expect(tokens.access_token).toEqual(expect.any(String));
    expect(tokens.refresh_token).toBeUndefined();
    expect(oauth.getValidatedIdTokenClaims(tokens)?.sub).toBe(f.user.sub);
  });
});
