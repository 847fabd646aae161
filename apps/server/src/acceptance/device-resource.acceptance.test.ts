import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import * as jose from 'jose';
import { Browser, consent, hasForm, isConsent, isLogin, login, makeWorld, parseForms, post, rnd, startServer, type Page, type Server, type World } from './harness.js';

/**
 * RFC 8628 §3.1 with RFC 8707 §2 on the reference server, over HTTP only: `resource` (repeatable) at the device
 * authorization endpoint, validated like at the authorization endpoint (`invalid_target`), and the device_code token
 * response's access token has those resources as audience (a JWT access token here, so `aud` is read directly).
 */

const DEVICE_GRANT = 'urn:ietf:params:oauth:grant-type:device_code';

describe('resource indicators at the device authorization endpoint', () => {
  let s: Server;
  let w: World;
  const r1 = `https://api-${rnd()}.rs.test/`;
  const r2 = `https://api-${rnd()}.rs.test/v2`;

  beforeAll(async () => {
    w = await makeWorld();
    const seed = w.seed as Record<string, unknown>;
    const resources = [
      { identifier: r1, scope: 'openid profile', access_token_format: 'jwt' },
      { identifier: r2, scope: 'openid profile', access_token_format: 'jwt' },
    ];
    s = await startServer({ ...seed, resources });
  });
  afterAll(async () => {
    await s?.stop();
  });

  const deviceStart = (resources: readonly string[]) => {
    const body = new URLSearchParams({ client_id: w.device.client_id, scope: 'openid' });
    for (const r of resources) body.append('resource', r);
    return post(s.ep('device_authorization_endpoint'), body.toString());
  };

  /** Enters the user code, signs in and approves. */
  const approve = async (uri: string, userCode: string): Promise<void> => {
    const b = new Browser(s.issuer);
    let p: Page = await b.get(uri);
    const codeForm = (x: { fields: [string, string][] }) => x.fields.some(([n]) => n === 'user_code');
    expect(parseForms(p.body, p.url).some(codeForm)).toBe(true);
    p = await b.submit(p, codeForm, { user_code: userCode });
    if (hasForm(p, isLogin)) p = await login(b, p, w.alice);
    if (hasForm(p, codeForm)) p = await b.submit(p, codeForm, { user_code: userCode });
    expect(hasForm(p, isConsent)).toBe(true);
    await consent(b, p, 'approve');
  };

  it('two resources at the device endpoint: the token is for both; a token request may narrow to one, never widen', async () => {
    const started = await deviceStart([r1, r2]);
    expect(started.status).toBe(200);
    const { device_code: deviceCode, user_code: userCode, verification_uri: uri } = started.json as { device_code: string; user_code: string; verification_uri: string };
    await approve(uri, userCode);
    const widened = await post(s.ep('token_endpoint'), { grant_type: DEVICE_GRANT, device_code: deviceCode, client_id: w.device.client_id, resource: `https://other-${rnd()}.rs.test/` });
    expect(widened.json['error']).toBe('invalid_target');
    const tokens = await post(s.ep('token_endpoint'), { grant_type: DEVICE_GRANT, device_code: deviceCode, client_id: w.device.client_id });
    expect(tokens.status).toBe(200);
    const jwks = jose.createRemoteJWKSet(new URL(s.ep('jwks_uri')));
    const { payload } = await jose.jwtVerify(tokens.json['access_token'] as string, jwks, { issuer: s.issuer });
    const aud = Array.isArray(payload.aud) ? payload.aud : [payload.aud];
    expect([...aud].sort()).toEqual([r1, r2].sort());
  }, 30_000);

  it('an unknown or malformed resource at the device endpoint is invalid_target (400), and no device code is issued', async () => {
    for (const bad of [[r1, `https://unknown-${rnd()}.rs.test/`], ['not a uri'], [`${r1}#frag`]]) {
      const r = await deviceStart(bad);
      expect(r.status).toBe(400);
      expect(r.json['error']).toBe('invalid_target');
      expect(r.json).not.toHaveProperty('device_code');
    }
  });
});
