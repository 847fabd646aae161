import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import {
  Browser, authorize, basic, clientAssertion, codeFrom, consent, hasForm, isLogin, login, makeWorld, pkce, post, startServer, type Res, type Server, type World,
} from './harness.js';

const ok = (xs: Res[]) => xs.filter((x) => x.status === 200).length;

describe('§5 single-use rules hold under concurrent requests', () => {
  let s: Server;
  let w: World;
  beforeAll(async () => {
    w = await makeWorld();
    s = await startServer(w.seed);
  });
  afterAll(async () => {
    await s?.stop();
  });
  const auth = () => ({ authorization: basic(w.web.client_id, w.web.client_secret) });
  const code = async (b: Browser) => {
    const p = await pkce();
    const r = await authorize(s, b, { response_type: 'code', client_id: w.web.client_id, redirect_uri: w.web.redirect_uris[0]!, scope: 'openid', state: 'x',
      code_challenge: p.challenge, code_challenge_method: 'S256' }, w.alice);
    return { code: codeFrom(r.final).searchParams.get('code')!, verifier: p.verifier };
  };

  it('20 concurrent redemptions of one code: exactly one succeeds', async () => {
    const { code: c, verifier } = await code(new Browser(s.issuer));
    const rs = await Promise.all(Array.from({ length: 20 }, () =>
      post(s.ep('token_endpoint'), { grant_type: 'authorization_code', code: c, redirect_uri: w.web.redirect_uris[0]!, code_verifier: verifier }, auth())));
    expect(ok(rs)).toBe(1);
    for (const r of rs.filter((x) => x.status !== 200)) expect(r.json['error']).toBe('invalid_grant');
  });

  it('20 concurrent uses of one refresh token: at most one succeeds', async () => {
    const { code: c, verifier } = await code(new Browser(s.issuer));
    const t = await post(s.ep('token_endpoint'), { grant_type: 'authorization_code', code: c, redirect_uri: w.web.redirect_uris[0]!, code_verifier: verifier }, auth());
    const rs = await Promise.all(Array.from({ length: 20 }, () => post(s.ep('token_endpoint'), { grant_type: 'refresh_token', refresh_token: t.json['refresh_token'] as string }, auth())));
    expect(ok(rs)).toBeLessThanOrEqual(1);
  });

  it('20 concurrent uses of one client assertion: exactly one succeeds', async () => {
    const a = await clientAssertion(w.jwtKey, 'ES256', w.jwtKid, w.jwt.client_id, s.issuer);
    const rs = await Promise.all(Array.from({ length: 20 }, () =>
      post(s.ep('token_endpoint'), { grant_type: 'client_credentials', client_assertion_type: 'urn:ietf:params:oauth:client-assertion-type:jwt-bearer', client_assertion: a })));
    expect(ok(rs)).toBe(1);
    for (const r of rs.filter((x) => x.status !== 200)) expect(r.json['error']).toBe('invalid_client');
  });

  it('20 concurrent polls of an approved device code: tokens at most once', async () => {
    const b = new Browser(s.issuer);
    const d = await post(s.ep('device_authorization_endpoint'), { client_id: w.device.client_id, scope: 'openid' });
    let pg = await b.get(d.json['verification_uri'] as string);
    pg = await b.submit(pg, (f) => f.fields.some(([n]) => n === 'user_code'), { user_code: d.json['user_code'] as string });
    if (hasForm(pg, isLogin)) pg = await login(b, pg, w.alice);
    pg = await consent(b, pg, 'approve');
    expect(pg.status).toBe(200);
    const rs = await Promise.all(Array.from({ length: 20 }, () =>
      post(s.ep('token_endpoint'), { grant_type: 'urn:ietf:params:oauth:grant-type:device_code', device_code: d.json['device_code'] as string, client_id: w.device.client_id })));
    expect(ok(rs)).toBe(1);
  });

  it('300 concurrent token requests are all answered', async () => {
    const rs = await Promise.all(Array.from({ length: 300 }, () =>
      post(s.ep('token_endpoint'), { grant_type: 'client_credentials' }, { authorization: basic(w.cc.client_id, w.cc.client_secret) })));
    expect(ok(rs)).toBe(300);
  });
});
