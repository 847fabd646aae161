import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import * as jose from 'jose';
import * as client from 'openid-client';
import {
  Browser, authorize, basic, codeFrom, consent, hasForm, isConsent, isLogin, login, makeWorld, parseForms, pkce, post, rnd, startServer,
  type Server, type World,
} from './harness.js';

describe('§4 pages and §5 authorization code flow', () => {
  let s: Server;
  let w: World;
  beforeAll(async () => {
    w = await makeWorld();
    s = await startServer(w.seed);
  });
  afterAll(async () => {
    await s?.stop();
  });

  const webParams = async (extra: Record<string, string> = {}) => {
    const p = await pkce();
    return { p, params: { response_type: 'code', client_id: w.web.client_id, redirect_uri: w.web.redirect_uris[0]!, scope: 'openid profile email',
      state: `st-${rnd()}`, code_challenge: p.challenge, code_challenge_method: 'S256', nonce: `n-${rnd()}`, ...extra } };
  };
  const redeem = (code: string, verifier: string, redirectUri = w.web.redirect_uris[0]!, c = w.web) =>
    post(s.ep('token_endpoint'), { grant_type: 'authorization_code', code, redirect_uri: redirectUri, code_verifier: verifier }, { authorization: basic(c.client_id, c.client_secret!) });

  it('login page is a POST form on the issuer origin with username and password; consent has approve/deny buttons', async () => {
    const b = new Browser(s.issuer);
    const { params } = await webParams();
    const u = new URL(s.ep('authorization_endpoint'));
    for (const [k, v] of Object.entries(params)) u.searchParams.set(k, v);
    const page = await b.get(u.href);
    expect(page.status).toBe(200);
    const form = parseForms(page.body, page.url).find(isLogin);
    expect(form).toBeDefined();
    expect(form!.method).toBe('POST');
    expect(new URL(form!.action).origin).toBe(s.issuer);
    expect(form!.buttons.length + (/<input[^>]*type=["']?submit/i.test(form!.html) ? 1 : 0)).toBeGreaterThan(0);
    const c = await login(b, page, w.alice);
    const cf = parseForms(c.body, c.url).find(isConsent);
    expect(cf).toBeDefined();
    expect(cf!.buttons).toEqual(expect.arrayContaining([
      { name: 'decision', value: 'approve', type: 'submit' }, { name: 'decision', value: 'deny', type: 'submit' }]));
  });

  it('a wrong password never completes the flow', async () => {
    const b = new Browser(s.issuer);
    const { params } = await webParams();
    const u = new URL(s.ep('authorization_endpoint'));
    for (const [k, v] of Object.entries(params)) u.searchParams.set(k, v);
    const page = await b.get(u.href);
    for (const pw of ['wrong', '', w.alice.password.toUpperCase(), w.bob.password]) {
      const r = await login(b, page, { username: w.alice.username, password: pw });
      expect(r.status).toBeLessThan(500);
      expect(r.location === undefined || new URL(r.location).origin === s.issuer).toBe(true);
      expect(hasForm(r, isConsent)).toBe(false);
    }
  });

  it('approve → code with state and iss; tokens; ID token RS256 verified against jwks_uri; userinfo by scope; consent skipped next time', async () => {
    const b = new Browser(s.issuer);
    const { p, params } = await webParams();
    const r = await authorize(s, b, params, w.alice);
    expect(r.sawLogin && r.sawConsent).toBe(true);
    expect([302, 303]).toContain(r.final.status);
    const cb = codeFrom(r.final);
    expect(`${cb.origin}${cb.pathname}`).toBe(w.web.redirect_uris[0]);
    expect(cb.searchParams.get('state')).toBe(params.state);
    expect(cb.searchParams.get('iss')).toBe(s.issuer);
    const t = await redeem(cb.searchParams.get('code')!, p.verifier);
    expect(t.status).toBe(200);
    expect(t.json['token_type']).toMatch(/^bearer$/i);
    expect(typeof t.json['refresh_token']).toBe('string');
    const jwks = jose.createRemoteJWKSet(new URL(s.ep('jwks_uri')));
    const { payload, protectedHeader } = await jose.jwtVerify(t.json['id_token'] as string, jwks, { issuer: s.issuer, audience: w.web.client_id, algorithms: ['RS256'] });
    expect(protectedHeader.alg).toBe('RS256');
    expect(payload.sub).toBe(w.alice.claims['sub']);
    expect(payload['nonce']).toBe(params.nonce);
    expect(typeof payload.exp).toBe('number');
    expect(typeof payload.iat).toBe('number');
    const ui = await fetch(s.ep('userinfo_endpoint'), { headers: { authorization: `Bearer ${t.json['access_token'] as string}` } });
    expect(ui.status).toBe(200);
    const claims = (await ui.json()) as Record<string, unknown>;
    for (const k of ['sub', 'name', 'given_name', 'family_name', 'preferred_username', 'email', 'email_verified']) expect(claims[k], k).toEqual(w.alice.claims[k]);
    // consent skipped when the same scopes are asked again
    const again = await webParams();
    const r2 = await authorize(s, b, again.params, w.alice);
    expect(r2.sawConsent).toBe(false);
    expect(codeFrom(r2.final).searchParams.get('code')).toBeTruthy();
  });

  it('userinfo releases only the claims of the granted scopes (openid only → sub)', async () => {
    const b = new Browser(s.issuer);
    const { p, params } = await webParams({ scope: 'openid' });
    const r = await authorize(s, b, params, w.bob);
    const t = await redeem(codeFrom(r.final).searchParams.get('code')!, p.verifier);
    const ui = await fetch(s.ep('userinfo_endpoint'), { headers: { authorization: `Bearer ${t.json['access_token'] as string}` } });
    const claims = (await ui.json()) as Record<string, unknown>;
    expect(claims['sub']).toBe(w.bob.claims['sub']);
    for (const k of ['name', 'email', 'email_verified', 'given_name', 'preferred_username']) expect(claims).not.toHaveProperty(k);
  });

  it('deny → access_denied with state and iss at the redirect_uri', async () => {
    const b = new Browser(s.issuer);
    const { params } = await webParams({ scope: 'openid email' });
    const r = await authorize(s, b, params, w.bob, 'deny');
    const cb = codeFrom(r.final);
    expect(cb.searchParams.get('error')).toBe('access_denied');
    expect(cb.searchParams.get('state')).toBe(params.state);
    expect(cb.searchParams.get('iss')).toBe(s.issuer);
    expect(cb.searchParams.get('code')).toBeNull();
  });

  it('unknown client_id / unregistered redirect_uri → 4xx HTML page, no redirect', async () => {
    const { params } = await webParams();
    const cases = [
      { ...params, client_id: `nope-${rnd()}` },
      { ...params, redirect_uri: 'https://evil.example.test/cb' },
      { ...params, redirect_uri: `${w.web.redirect_uris[0]!}/` },
      { ...params, redirect_uri: `${w.web.redirect_uris[0]!}?x=1` },
      { ...params, redirect_uri: w.pub.redirect_uris[0]! },
      { ...params, redirect_uri: w.web.redirect_uris[0]!.toUpperCase() },
    ];
    for (const c of cases) {
      const u = new URL(s.ep('authorization_endpoint'));
      for (const [k, v] of Object.entries(c)) u.searchParams.set(k, v);
      const res = await fetch(u, { redirect: 'manual' });
      expect(res.status, JSON.stringify(c)).toBeGreaterThanOrEqual(400);
      expect(res.status).toBeLessThan(500);
      expect(res.headers.get('location')).toBeNull();
      expect(res.headers.get('content-type') ?? '').toMatch(/text\/html/);
    }
  });

  it('other authorization errors go back to the redirect_uri with error, state and iss', async () => {
    const b = new Browser(s.issuer);
    const { params } = await webParams();
    const cases: [Record<string, string>, string[]][] = [
      [{ ...params, scope: 'openid not-a-scope' }, ['invalid_scope']],
      [{ ...params, scope: 'openid api:unknown' }, ['invalid_scope']],
      [{ ...params, response_type: 'token' }, ['unsupported_response_type', 'invalid_request']],
      [{ ...params, code_challenge_method: 'plain', code_challenge: 'a'.repeat(50) }, ['invalid_request']],
      [{ ...params, response_mode: 'fragment' }, ['invalid_request', 'unsupported_response_mode']],
    ];
    for (const [c, errs] of cases) {
      const u = new URL(s.ep('authorization_endpoint'));
      for (const [k, v] of Object.entries(c)) u.searchParams.set(k, v);
      const res = await b.request('GET', u.href);
      expect([302, 303], JSON.stringify(c)).toContain(res.status);
      const cb = new URL(res.location!);
      expect(`${cb.origin}${cb.pathname}`).toBe(w.web.redirect_uris[0]);
      expect(errs, JSON.stringify(c)).toContain(cb.searchParams.get('error'));
      expect(cb.searchParams.get('state')).toBe(params.state);
      expect(cb.searchParams.get('iss')).toBe(s.issuer);
    }
  });

  it('prompt=none without a session → login_required; repeated parameters → invalid_request; state returned unchanged', async () => {
    const b = new Browser(s.issuer);
    const { params } = await webParams({ prompt: 'none' });
    const u = new URL(s.ep('authorization_endpoint'));
    for (const [k, v] of Object.entries(params)) u.searchParams.set(k, v);
    const pn = await b.get(u.href);
    const cb = codeFrom(pn);
    expect(cb.searchParams.get('error')).toBe('login_required');
    expect(cb.searchParams.get('iss')).toBe(s.issuer);
    const dup = await fetch(`${u.href.replace('prompt=none', 'prompt=login')}&scope=openid`, { redirect: 'manual' });
    expect([302, 303]).toContain(dup.status);
    expect(new URL(dup.headers.get('location')!).searchParams.get('error')).toBe('invalid_request');
    const odd = 'a b+c&d=é/?#%25\u{1F600}';
    const { p, params: p2 } = await webParams({ state: odd });
    const r = await authorize(s, b, p2, w.alice);
    const cb2 = codeFrom(r.final);
    expect(cb2.searchParams.get('state')).toBe(odd);
    const t = await redeem(cb2.searchParams.get('code')!, p.verifier);
    expect(t.status).toBe(200);
    // introspection of a user token carries sub; refresh by another client is refused and harmless
    const auth = { authorization: basic(w.web.client_id, w.web.client_secret) };
    const i = await post(s.ep('introspection_endpoint'), { token: t.json['access_token'] as string }, auth);
    expect(i.json).toMatchObject({ active: true, client_id: w.web.client_id, sub: w.alice.claims['sub'] });
    expect(typeof i.json['scope']).toBe('string');
    expect(typeof i.json['exp']).toBe('number');
    const other = await post(s.ep('token_endpoint'), { grant_type: 'refresh_token', refresh_token: t.json['refresh_token'] as string }, { authorization: basic(w.web2.client_id, w.web2.client_secret) });
    expect(other.json['error']).toBe('invalid_grant');
    const mine = await post(s.ep('token_endpoint'), { grant_type: 'refresh_token', refresh_token: t.json['refresh_token'] as string }, auth);
    expect(mine.status).toBe(200);
    const noVerifier = await (async () => {
      const x = await webParams();
      const rr = await authorize(s, b, x.params, w.alice);
      return post(s.ep('token_endpoint'), { grant_type: 'authorization_code', code: codeFrom(rr.final).searchParams.get('code')!, redirect_uri: w.web.redirect_uris[0]! }, auth);
    })();
    expect(noVerifier.json['error']).toBe('invalid_grant');
  });

  it('a client asking for a scope outside its registration gets invalid_scope, not a narrowed grant', async () => {
    const b = new Browser(s.issuer);
    const p = await pkce();
    const params = { response_type: 'code', client_id: w.web2.client_id, redirect_uri: w.web2.redirect_uris[0]!, scope: 'openid profile email',
      state: rnd(), code_challenge: p.challenge, code_challenge_method: 'S256' };
    const u = new URL(s.ep('authorization_endpoint'));
    for (const [k, v] of Object.entries(params)) u.searchParams.set(k, v);
    const res = await b.request('GET', u.href);
    expect([302, 303]).toContain(res.status);
    const cb = new URL(res.location!);
    expect(cb.searchParams.get('error')).toBe('invalid_scope');
    expect(cb.searchParams.get('state')).toBe(params.state);
    expect(cb.searchParams.get('iss')).toBe(s.issuer);
  });

  it('PKCE is required for public clients; plain is refused; a wrong verifier is invalid_grant', async () => {
    const b = new Browser(s.issuer);
    const base = { response_type: 'code', client_id: w.pub.client_id, redirect_uri: w.pub.redirect_uris[0]!, scope: 'openid', state: rnd() };
    for (const extra of [{}, { code_challenge: 'x'.repeat(43), code_challenge_method: 'plain' }]) {
      const u = new URL(s.ep('authorization_endpoint'));
      for (const [k, v] of Object.entries({ ...base, ...extra })) u.searchParams.set(k, v);
      const res = await b.request('GET', u.href);
      expect([302, 303]).toContain(res.status);
      const cb = new URL(res.location!);
      expect(cb.searchParams.get('error')).toBe('invalid_request');
      expect(cb.searchParams.get('state')).toBe(base.state);
      expect(cb.searchParams.get('iss')).toBe(s.issuer);
    }
    const p = await pkce();
    const r = await authorize(s, b, { ...base, code_challenge: p.challenge, code_challenge_method: 'S256' }, w.alice);
    const code = codeFrom(r.final).searchParams.get('code')!;
    const bad = await post(s.ep('token_endpoint'), { grant_type: 'authorization_code', code, redirect_uri: base.redirect_uri, client_id: w.pub.client_id, code_verifier: (await pkce()).verifier });
    expect(bad.status).toBe(400);
    expect(bad.json['error']).toBe('invalid_grant');
  });

  it('codes are bound to client and redirect_uri', async () => {
    const b = new Browser(s.issuer);
    const { p, params } = await webParams();
    const r = await authorize(s, b, params, w.alice);
    const code = codeFrom(r.final).searchParams.get('code')!;
    const wrongRedirect = await redeem(code, p.verifier, w.web.redirect_uris[1]!);
    expect(wrongRedirect.json['error']).toBe('invalid_grant');
    const { p: p2, params: params2 } = await webParams();
    const r2 = await authorize(s, b, params2, w.alice);
    const code2 = codeFrom(r2.final).searchParams.get('code')!;
    const otherClient = await redeem(code2, p2.verifier, w.web.redirect_uris[0]!, w.web2);
    expect(otherClient.json['error']).toBe('invalid_grant');
  });

  it('a code is single-use and its replay revokes the tokens issued from it', async () => {
    const b = new Browser(s.issuer);
    const { p, params } = await webParams();
    const r = await authorize(s, b, params, w.alice);
    const code = codeFrom(r.final).searchParams.get('code')!;
    const first = await redeem(code, p.verifier);
    expect(first.status).toBe(200);
    const second = await redeem(code, p.verifier);
    expect(second.status).toBe(400);
    expect(second.json['error']).toBe('invalid_grant');
    const ui = await fetch(s.ep('userinfo_endpoint'), { headers: { authorization: `Bearer ${first.json['access_token'] as string}` } });
    expect(ui.status).toBe(401);
    const intro = await post(s.ep('introspection_endpoint'), { token: first.json['access_token'] as string }, { authorization: basic(w.web.client_id, w.web.client_secret) });
    expect(intro.json['active']).toBe(false);
    const rt = await redeem('x', 'y').then(() => post(s.ep('token_endpoint'), { grant_type: 'refresh_token', refresh_token: first.json['refresh_token'] as string }, { authorization: basic(w.web.client_id, w.web.client_secret) }));
    expect(rt.json['error']).toBe('invalid_grant');
  });

  it('refresh tokens rotate; replay revokes the family; a refresh never widens the scope', async () => {
    const b = new Browser(s.issuer);
    const { p, params } = await webParams({ scope: 'openid profile' });
    const r = await authorize(s, b, params, w.alice);
    const t0 = await redeem(codeFrom(r.final).searchParams.get('code')!, p.verifier);
    const auth = { authorization: basic(w.web.client_id, w.web.client_secret) };
    const rt0 = t0.json['refresh_token'] as string;
    expect(rt0).toBeTruthy();
    const widen = await post(s.ep('token_endpoint'), { grant_type: 'refresh_token', refresh_token: rt0, scope: 'openid profile email' }, auth);
    expect(widen.status).toBe(400);
    expect(widen.json['error']).toBe('invalid_scope');
    const t1 = await post(s.ep('token_endpoint'), { grant_type: 'refresh_token', refresh_token: rt0 }, auth);
    expect(t1.status).toBe(200);
    const rt1 = t1.json['refresh_token'] as string;
    expect(rt1).toBeTruthy();
    expect(rt1).not.toBe(rt0);
    expect((t1.json['scope'] as string | undefined)?.split(' ').sort() ?? ['openid', 'profile']).toEqual(['openid', 'profile']);
    const narrow = await post(s.ep('token_endpoint'), { grant_type: 'refresh_token', refresh_token: rt1, scope: 'openid' }, auth);
    expect(narrow.status).toBe(200);
    const rt2 = narrow.json['refresh_token'] as string;
    const replay = await post(s.ep('token_endpoint'), { grant_type: 'refresh_token', refresh_token: rt0 }, auth);
    expect(replay.status).toBe(400);
    expect(replay.json['error']).toBe('invalid_grant');
    const after = await post(s.ep('token_endpoint'), { grant_type: 'refresh_token', refresh_token: rt2 }, auth);
    expect(after.json['error']).toBe('invalid_grant');
    const intro = await post(s.ep('introspection_endpoint'), { token: narrow.json['access_token'] as string }, auth);
    expect(intro.json['active']).toBe(false);
  });

  it('openid-client 6 completes a public-client PKCE flow with refresh', async () => {
    const b = new Browser(s.issuer);
    const config = await client.discovery(new URL(s.issuer), w.pub.client_id, undefined, client.None(), { execute: [client.allowInsecureRequests] });
    const verifier = client.randomPKCECodeVerifier();
    const state = client.randomState();
    const nonce = client.randomNonce();
    const url = client.buildAuthorizationUrl(config, {
      redirect_uri: w.pub.redirect_uris[0]!, scope: 'openid email', state, nonce,
      code_challenge: await client.calculatePKCECodeChallenge(verifier), code_challenge_method: 'S256',
    });
    let page = await b.get(url.href);
    page = await login(b, page, w.bob);
    page = await consent(b, page, 'approve');
    const tokens = await client.authorizationCodeGrant(config, new URL(page.location!), { pkceCodeVerifier: verifier, expectedState: state, expectedNonce: nonce });
    expect(tokens.claims()?.sub).toBe(w.bob.claims['sub']);
    expect(tokens.refresh_token).toBeTruthy();
    const ui = await client.fetchUserInfo(config, tokens.access_token, w.bob.claims['sub'] as string);
    expect(ui['email']).toBe(w.bob.claims['email']);
    expect(ui).not.toHaveProperty('name');
    const refreshed = await client.refreshTokenGrant(config, tokens.refresh_token!);
    expect(refreshed.refresh_token).not.toBe(tokens.refresh_token);
  });
});
