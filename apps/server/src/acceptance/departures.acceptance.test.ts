// Regression tests for departures from acceptance-interface.md found by black-box probing (all fixed since):
// client errors carry a challenge on 401, slow_down only below the advertised interval, only registered error
// codes on the wire, client assertions only for the issuer, and throttles that one visitor cannot turn into a
// lock-out of everyone on the same address.
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { Browser, clientAssertion, hasForm, isConsent, isLogin, login, makeWorld, pkce, post, sleep, startServer, type Server, type World } from './harness.js';

const JWT_BEARER = 'urn:ietf:params:oauth:client-assertion-type:jwt-bearer';

describe('former departures from the acceptance interface', () => {
  let s: Server;
  let w: World;
  beforeAll(async () => {
    w = await makeWorld();
    s = await startServer(w.seed);
  });
  afterAll(async () => {
    await s?.stop();
  });

  it('D1: client errors without HTTP authentication must be 400 (401 only with WWW-Authenticate)', async () => {
    const cases: [string, Record<string, string>, Record<string, string>][] = [
      ['token_endpoint', { grant_type: 'client_credentials' }, {}],
      ['token_endpoint', { grant_type: 'client_credentials', client_id: w.post.client_id, client_secret: 'wrong' }, {}],
      ['token_endpoint', { grant_type: 'client_credentials', client_assertion_type: JWT_BEARER, client_assertion: 'x.y.z' }, {}],
      ['introspection_endpoint', { token: 'x' }, {}],
      ['revocation_endpoint', { token: 'x' }, {}],
      ['device_authorization_endpoint', { client_id: 'unknown' }, {}],
      ['token_endpoint', { grant_type: 'client_credentials' }, { authorization: 'Bearer abc' }],
    ];
    const bad: string[] = [];
    for (const [ep, p, h] of cases) {
      const r = await post(s.ep(ep), p, h);
      if (r.status === 401 && !r.headers.get('www-authenticate')) bad.push(`${ep} ${JSON.stringify(p)} ${JSON.stringify(h)} → 401 without WWW-Authenticate`);
    }
    expect(bad).toEqual([]);
  });

  it('D2: a poll that follows the previous one by at least `interval` seconds must not get slow_down', async () => {
    const a = await post(s.ep('device_authorization_endpoint'), { client_id: w.device.client_id, scope: 'openid' });
    const dc = a.json['device_code'] as string;
    const interval = a.json['interval'] as number;
    const poll = () => post(s.ep('token_endpoint'), { grant_type: 'urn:ietf:params:oauth:grant-type:device_code', device_code: dc, client_id: w.device.client_id });
    expect((await poll()).json['error']).toBe('authorization_pending');
    expect((await poll()).json['error']).toBe('slow_down');
    await sleep(interval * 1000 + 500);
    expect((await poll()).json['error']).toBe('authorization_pending');
  }, 30_000);

  it('D3: private_key_jwt assertions must have aud equal to the issuer identifier', async () => {
    const grant = async (aud: string) =>
      post(s.ep('token_endpoint'), { grant_type: 'client_credentials', client_assertion_type: JWT_BEARER, client_assertion: await clientAssertion(w.jwtKey, 'ES256', w.jwtKid, w.jwt.client_id, aud) });
    const toTokenEndpoint = await grant(s.ep('token_endpoint'));
    expect([400, 401], toTokenEndpoint.text).toContain(toTokenEndpoint.status);
    expect(toTokenEndpoint.json['error']).toBe('invalid_client');
    expect(toTokenEndpoint.json['access_token']).toBeUndefined();
    // the same client and key with aud = issuer is accepted: the refusal above is about aud, not about the client
    const toIssuer = await grant(s.issuer);
    expect(toIssuer.status, toIssuer.text).toBe(200);
    expect(typeof toIssuer.json['access_token']).toBe('string');
  });

  it('D5: the form endpoints answer other methods with an error code from the RFC registries', async () => {
    for (const ep of ['token_endpoint', 'introspection_endpoint', 'revocation_endpoint', 'device_authorization_endpoint']) {
      for (const method of ['GET', 'PUT', 'DELETE']) {
        const r = await fetch(s.ep(ep), { method });
        const label = `${method} ${ep} → ${r.status}`;
        // §5: 400 as the OAuth RFCs give it, or HTTP's 405, which names the allowed method (RFC 9110 §15.5.6)
        expect([400, 405], label).toContain(r.status);
        if (r.status === 405) expect(r.headers.get('allow') ?? '', label).toMatch(/\bPOST\b/);
        expect(r.headers.get('content-type') ?? '', label).toMatch(/^application\/json/);
        const j = (await r.json()) as { error: string };
        expect(j.error, label).toBe('invalid_request');
      }
    }
  });

  it('D4 (run last: it locks 127.0.0.1 out): after 100 wrong passwords from one IP, a correct login still completes', async () => {
    const p = await pkce();
    const u = new URL(s.ep('authorization_endpoint'));
    for (const [k, v] of Object.entries({ response_type: 'code', client_id: w.web.client_id, redirect_uri: w.web.redirect_uris[0]!, scope: 'openid', state: 'x',
      code_challenge: p.challenge, code_challenge_method: 'S256' })) u.searchParams.set(k, v);
    const b = new Browser(s.issuer);
    let page = await b.get(u.href);
    for (let i = 0; i < 100; i++) {
      const x = await login(b, page, { username: `fuzz-${i}`, password: 'x' });
      if (hasForm(x, isLogin)) page = x;
    }
    const b2 = new Browser(s.issuer);
    let pg = await b2.get(u.href);
    pg = await login(b2, pg, w.bob);
    expect(pg.status).not.toBe(429);
    expect(hasForm(pg, isConsent)).toBe(true);
  }, 60_000);
});
