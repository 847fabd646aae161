import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import * as jose from 'jose';
import {
  Browser, basic, consent, hasForm, isConsent, isLogin, login, makeWorld, parseForms, post, rnd, sleep, startServer, type Page, type Server, type World,
} from './harness.js';

const DEVICE_GRANT = 'urn:ietf:params:oauth:grant-type:device_code';

describe('§4/§5 device authorization grant', () => {
  let s: Server;
  let w: World;
  beforeAll(async () => {
    w = await makeWorld();
    s = await startServer(w.seed);
  });
  afterAll(async () => {
    await s?.stop();
  });

  const start = async (scope = 'openid profile') => {
    const r = await post(s.ep('device_authorization_endpoint'), { client_id: w.device.client_id, scope });
    expect(r.status).toBe(200);
    expect(r.headers.get('content-type')).toMatch(/application\/json/);
    for (const k of ['device_code', 'user_code', 'verification_uri']) expect(typeof r.json[k], k).toBe('string');
    for (const k of ['expires_in', 'interval']) expect(typeof r.json[k], k).toBe('number');
    return r.json as { device_code: string; user_code: string; verification_uri: string; expires_in: number; interval: number };
  };
  const poll = (deviceCode: string) => post(s.ep('token_endpoint'), { grant_type: DEVICE_GRANT, device_code: deviceCode, client_id: w.device.client_id });

  /** Enters the user code, signs in, and returns the consent page (which must be shown every time). */
  const toConsent = async (b: Browser, uri: string, userCode: string, user: { username: string; password: string }): Promise<Page> => {
    let p = await b.get(uri);
    expect(p.status).toBe(200);
    const f = parseForms(p.body, p.url).find((x) => x.fields.some(([n]) => n === 'user_code'));
    expect(f, 'verification page has <input name="user_code">').toBeDefined();
    expect(/<input\b[^>]*name=["']?user_code/i.test(f!.html)).toBe(true);
    p = await b.submit(p, (x) => x.fields.some(([n]) => n === 'user_code'), { user_code: userCode });
    if (hasForm(p, isLogin)) p = await login(b, p, user);
    if (hasForm(p, (x) => x.fields.some(([n]) => n === 'user_code'))) p = await b.submit(p, (x) => x.fields.some(([n]) => n === 'user_code'), { user_code: userCode });
    expect(hasForm(p, isConsent), `consent page expected, got ${p.status} ${p.body.slice(0, 300)}`).toBe(true);
    return p;
  };

  it('device_authorization rejects unknown and non-device clients', async () => {
    const u = await post(s.ep('device_authorization_endpoint'), { client_id: `x-${rnd()}` });
    expect([400, 401]).toContain(u.status);
    expect(u.json['error']).toBe('invalid_client');
    const nd = await post(s.ep('device_authorization_endpoint'), { client_id: w.web.client_id }, { authorization: basic(w.web.client_id, w.web.client_secret) });
    expect(nd.status).toBe(400);
    expect(nd.json['error']).toBe('unauthorized_client');
    const sc = await post(s.ep('device_authorization_endpoint'), { client_id: w.device.client_id, scope: 'openid email' });
    expect(sc.status).toBe(400);
    expect(sc.json['error']).toBe('invalid_scope');
  });

  it('pending → slow_down → approve (consent always shown) → tokens once; deny → access_denied', async () => {
    const a = await start();
    const d = await start('openid');
    const p1 = await poll(a.device_code);
    expect(p1.status).toBe(400);
    expect(p1.json['error']).toBe('authorization_pending');
    const p2 = await poll(a.device_code);
    expect(p2.status).toBe(400);
    expect(p2.json['error']).toBe('slow_down');
    const dp = await poll(d.device_code);
    expect(dp.json['error']).toBe('authorization_pending');

    const b = new Browser(s.issuer);
    const c1 = await toConsent(b, a.verification_uri, a.user_code, w.alice);
    const done = await consent(b, c1, 'approve');
    expect(done.status).toBe(200);
    expect(done.headers.get('content-type') ?? '').toMatch(/text\/html/);
    expect(/<form\b/i.test(done.body)).toBe(false);

    // same user, same client, same scopes again: the device flow still shows consent; deny it
    const c2 = await toConsent(b, d.verification_uri, d.user_code, w.alice);
    const denied = await consent(b, c2, 'deny');
    expect(denied.status).toBeLessThan(500);

    // RFC 8628 §3.5: after slow_down the client adds 5 s (the server escalates; see the interface report)
    await sleep((Math.max(a.interval, d.interval) + 5) * 1000 + 200);
    const tok = await poll(a.device_code);
    expect(tok.status).toBe(200);
    expect(typeof tok.json['access_token']).toBe('string');
    expect(typeof tok.json['refresh_token']).toBe('string');
    const jwks = jose.createRemoteJWKSet(new URL(s.ep('jwks_uri')));
    const { payload } = await jose.jwtVerify(tok.json['id_token'] as string, jwks, { issuer: s.issuer, audience: w.device.client_id, algorithms: ['RS256'] });
    expect(payload.sub).toBe(w.alice.claims['sub']);
    const dd = await poll(d.device_code);
    expect(dd.status).toBe(400);
    expect(dd.json['error']).toBe('access_denied');

    await sleep((a.interval + 5) * 1000 + 200);
    const twice = await poll(a.device_code);
    expect(twice.status).toBe(400);
    expect(['invalid_grant', 'expired_token']).toContain(twice.json['error']);
    const rt = await post(s.ep('token_endpoint'), { grant_type: 'refresh_token', refresh_token: tok.json['refresh_token'] as string, client_id: w.device.client_id });
    expect(rt.status).toBe(200);
  }, 60_000);

  it('a wrong user code does not reach consent; unknown device codes are invalid_grant', async () => {
    const b = new Browser(s.issuer);
    const a = await start();
    let p = await b.get(a.verification_uri);
    p = await b.submit(p, (x) => x.fields.some(([n]) => n === 'user_code'), { user_code: 'ZZZZ-ZZZZ' });
    if (hasForm(p, isLogin)) p = await login(b, p, w.bob);
    expect(p.status).toBeLessThan(500);
    expect(hasForm(p, isConsent)).toBe(false);
    const r = await poll(`nope-${rnd()}`);
    expect(r.status).toBe(400);
    expect(r.json['error']).toBe('invalid_grant');
  });
});
