import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import * as client from 'openid-client';
import { makeSeed, type SeedFixture } from './fixtures.js';
import { authorize, basic, discover, post } from './flows.js';
import { startServer, type Running } from './harness.js';

/** Client mistakes get RFC error shapes (never 5xx, never a dropped connection), and the server stays healthy. */
describe('errors (end to end)', () => {
  let server: Running;
  let f: SeedFixture;
  let web: client.Configuration;
  let meta: Record<string, string>;
  beforeAll(async () => {
    f = await makeSeed();
    server = await startServer(f.seed);
    web = await discover(server.issuer, f.web.id, client.ClientSecretBasic(f.web.secret));
    meta = (await (await fetch(`${server.issuer}/.well-known/openid-configuration`)).json()) as Record<string, string>;
  });
  afterAll(async () => {
    await server?.stop();
  });

  const code = async (scope = 'openid') => {
    const verifier = client.randomPKCECodeVerifier();
    const state = client.randomState();
    const url = client.buildAuthorizationUrl(web, { redirect_uri: f.web.redirectUri, scope, state, code_challenge: await client.calculatePKCECodeChallenge(verifier), code_challenge_method: 'S256' });
    const { callback } = await authorize(server.issuer, url, f.user);
    return { callback, verifier, state, code: callback.searchParams.get('code')! };
  };
  const tokenRequest = (params: Record<string, string>, headers: Record<string, string> = { authorization: basic(f.web.id, f.web.secret) }) =>
    post(meta['token_endpoint']!, new URLSearchParams(params), headers);

  it('a second redemption of a code is refused and revokes the tokens of the first', async () => {
    const c = await code();
    const first = await tokenRequest({ grant_type: 'authorization_code', code: c.code, redirect_uri: f.web.redirectUri, code_verifier: c.verifier });
    expect(first.status).toBe(200);
    const replay = await tokenRequest({ grant_type: 'authorization_code', code: c.code, redirect_uri: f.web.redirectUri, code_verifier: c.verifier });
    expect(replay.status).toBe(400);
    expect(replay.json?.['error']).toBe('invalid_grant');
    expect((await client.tokenIntrospection(web, first.json?.['access_token'] as string)).active).toBe(false);
  });

  it('refuses a wrong code_verifier, a different redirect_uri and another client at the token endpoint', async () => {
    const c = await code();
    const wrong = await tokenRequest({ grant_type: 'authorization_code', code: c.code, redirect_uri: f.web.redirectUri, code_verifier: client.randomPKCECodeVerifier() });
    expect(wrong.status).toBe(400);
    expect(wrong.json?.['error']).toBe('invalid_grant');
    const c2 = await code();
    const other = await tokenRequest({ grant_type: 'authorization_code', code: c2.code, redirect_uri: f.web.redirectUri2, code_verifier: c2.verifier });
    expect(other.json?.['error']).toBe('invalid_grant');
    const c3 = await code();
    const stolen = await post(meta['token_endpoint']!, new URLSearchParams({ grant_type: 'authorization_code', code: c3.code, redirect_uri: f.web.redirectUri, code_verifier: c3.verifier, client_id: f.post.id, client_secret: f.post.secret }));
    expect(stolen.status).toBe(400);
    expect(stolen.json?.['error']).toBe('invalid_grant');
  });

  it('an unregistered redirect_uri or unknown client gets a 4xx HTML page that redirects nowhere', async () => {
    const base = { response_type: 'code', scope: 'openid', state: 's', code_challenge: 'E9Melhoa2OwvFrEMTJguCHaoeK1t8URWbuGJSstw-cM', code_challenge_method: 'S256' };
    for (const q of [
      { ...base, client_id: f.web.id, redirect_uri: 'https://evil.example.test/cb' },
      { ...base, client_id: f.web.id, redirect_uri: `${f.web.redirectUri}/` },
      { ...base, client_id: 'no-such-client', redirect_uri: f.web.redirectUri },
    ]) {
      const res = await fetch(`${meta['authorization_endpoint']}?${new URLSearchParams(q)}`, { redirect: 'manual' });
      expect(res.status).toBeGreaterThanOrEqual(400);
      expect(res.status).toBeLessThan(500);
      expect(res.headers.get('location')).toBeNull();
      expect(res.headers.get('content-type')).toMatch(/text\/html/);
    }
  });

  it('redirects other authorization errors with error, state and iss: plain PKCE, unknown scope, bad response_type', async () => {
    const base = { client_id: f.web.id, redirect_uri: f.web.redirectUri, response_type: 'code', scope: 'openid', state: 'st<&>', code_challenge: 'E9Melhoa2OwvFrEMTJguCHaoeK1t8URWbuGJSstw-cM', code_challenge_method: 'S256' };
    for (const [q, error] of [
      [{ ...base, code_challenge_method: 'plain' }, 'invalid_request'],
      [{ ...base, scope: 'openid api:write' }, 'invalid_scope'],
      [{ ...base, response_type: 'token' }, 'unsupported_response_type'],
    ] as const) {
      const res = await fetch(`${meta['authorization_endpoint']}?${new URLSearchParams(q)}`, { redirect: 'manual' });
      expect([302, 303]).toContain(res.status);
      const back = new URL(res.headers.get('location')!);
      expect(back.origin + back.pathname).toBe(f.web.redirectUri);
      expect(back.searchParams.get('error')).toBe(error);
      expect(back.searchParams.get('state')).toBe('st<&>');
      expect(back.searchParams.get('iss')).toBe(server.issuer);
    }
  });

  it('client authentication failures: unknown client, wrong secret (401 + WWW-Authenticate Basic), wrong method', async () => {
    const unknown = await tokenRequest({ grant_type: 'client_credentials' }, { authorization: basic('no-such-client', 'x') });
    expect(unknown.status).toBe(401);
    expect(unknown.json?.['error']).toBe('invalid_client');
    const wrong = await post(meta['token_endpoint']!, 'grant_type=client_credentials', { authorization: basic(f.machine.id, 'wrong') });
    expect(wrong.status).toBe(401);
    expect(wrong.json?.['error']).toBe('invalid_client');
    expect(wrong.headers.get('www-authenticate')).toMatch(/^Basic/i);
    // registered for client_secret_basic: client_secret_post is not accepted
    const viaPost = await post(meta['token_endpoint']!, new URLSearchParams({ grant_type: 'client_credentials', client_id: f.machine.id, client_secret: f.machine.secret }));
    expect(viaPost.status).toBe(401);
    expect(viaPost.json?.['error']).toBe('invalid_client');
  });

  it('token endpoint request errors: unsupported grant type, repeated parameter, JSON body, missing grant_type, invalid_scope', async () => {
    const auth = { authorization: basic(f.machine.id, f.machine.secret) };
    const unsupported = await post(meta['token_endpoint']!, 'grant_type=password&username=a&password=b', auth);
    expect(unsupported.status).toBe(400);
    expect(unsupported.json?.['error']).toBe('unsupported_grant_type');
    const repeated = await post(meta['token_endpoint']!, 'grant_type=client_credentials&scope=api:read&scope=api:write', auth);
    expect(repeated.status).toBe(400);
    expect(repeated.json?.['error']).toBe('invalid_request');
    const asJson = await post(meta['token_endpoint']!, JSON.stringify({ grant_type: 'client_credentials' }), { ...auth, 'content-type': 'application/json' });
    expect(asJson.status).toBe(400);
    expect(asJson.json?.['error']).toBe('invalid_request');
    expect(asJson.headers.get('content-type')).toMatch(/application\/json/);
    const missing = await post(meta['token_endpoint']!, '', auth);
    expect(missing.status).toBe(400);
    expect(missing.json?.['error']).toBe('invalid_request');
    const scope = await post(meta['token_endpoint']!, 'grant_type=client_credentials&scope=openid', auth);
    expect(scope.status).toBe(400);
    expect(scope.json?.['error']).toBe('invalid_scope');
  });

  it('malformed requests never produce a 5xx or a dropped connection, and the server stays healthy', async () => {
    const token = meta['token_endpoint']!;
    const cases: { url: string; init: RequestInit }[] = [
      { url: token, init: { method: 'POST', headers: { authorization: 'Basic' }, body: 'grant_type=client_credentials' } },
      { url: token, init: { method: 'POST', headers: { authorization: 'Basic !!!not-base64', 'content-type': 'application/x-www-form-urlencoded' }, body: 'grant_type=client_credentials' } },
      { url: token, init: { method: 'POST', headers: { authorization: `Basic ${Buffer.from('no-colon').toString('base64')}`, 'content-type': 'application/x-www-form-urlencoded' }, body: 'grant_type=client_credentials' } },
      { url: token, init: { method: 'POST', headers: { authorization: `Basic ${Buffer.from('%zz:%zz').toString('base64')}`, 'content-type': 'application/x-www-form-urlencoded' }, body: 'grant_type=client_credentials' } },
      { url: token, init: { method: 'POST', headers: { authorization: 'Bearer x y z', 'content-type': 'application/x-www-form-urlencoded' }, body: 'grant_type=client_credentials' } },
      { url: token, init: { method: 'POST', headers: { 'content-type': 'application/x-www-form-urlencoded' }, body: '%%%=%%%&grant_type=%E0%A4%A' } },
      { url: token, init: { method: 'POST', headers: { 'content-type': 'application/x-www-form-urlencoded; charset=latin1' }, body: Buffer.from([0xff, 0xfe, 0x3d, 0x00]) } },
      { url: token, init: { method: 'POST', headers: { 'content-type': 'text/plain' }, body: 'grant_type=client_credentials' } },
      { url: token, init: { method: 'POST', headers: { 'content-type': 'multipart/form-data; boundary=x' }, body: '--x--' } },
      { url: token, init: { method: 'POST', headers: { 'content-type': 'application/x-www-form-urlencoded' }, body: `grant_type=${'é😀\u0000'.repeat(100)}&client_id=${'\u202e'.repeat(10)}` } },
      { url: token, init: { method: 'GET' } },
      { url: token, init: { method: 'PUT', body: 'x' } },
      { url: token, init: { method: 'DELETE' } },
      { url: token, init: { method: 'PATCH', body: 'grant_type=client_credentials' } },
      { url: `${token}?grant_type=client_credentials`, init: { method: 'POST', headers: { 'content-type': 'application/x-www-form-urlencoded' }, body: 'grant_type=client_credentials' } },
      { url: meta['introspection_endpoint']!, init: { method: 'POST', headers: { 'content-type': 'application/json' }, body: '{"token":1}' } },
      { url: meta['revocation_endpoint']!, init: { method: 'POST', headers: { 'content-type': 'application/x-www-form-urlencoded', authorization: basic(f.web.id, f.web.secret) }, body: 'token=&token_type_hint=%00' } },
      { url: meta['device_authorization_endpoint']!, init: { method: 'POST', headers: { 'content-type': 'application/x-www-form-urlencoded' }, body: 'client_id=%ZZ' } },
      { url: meta['userinfo_endpoint']!, init: { method: 'GET', headers: { authorization: 'Bearer ' } } },
      { url: meta['userinfo_endpoint']!, init: { method: 'GET', headers: { authorization: 'Bearer \u00e9' } } },
      { url: `${meta['authorization_endpoint']}?client_id=%FF&response_type=code`, init: { method: 'GET', redirect: 'manual' } },
      { url: `${meta['authorization_endpoint']}?client_id=${f.web.id}&client_id=${f.web.id}&response_type=code`, init: { method: 'GET', redirect: 'manual' } },
      { url: `${meta['authorization_endpoint']}?${'a'.repeat(6000)}=1`, init: { method: 'GET', redirect: 'manual' } },
      { url: `${server.issuer}/%E0%A4%A`, init: { method: 'GET' } },
      { url: `${server.issuer}/interaction/..%2F..%2Fetc`, init: { method: 'GET' } },
      { url: `${server.issuer}/interaction/x/consent`, init: { method: 'POST', headers: { 'content-type': 'application/x-www-form-urlencoded' }, body: 'decision=approve' } },
      { url: `${server.issuer}/device`, init: { method: 'POST', headers: { 'content-type': 'application/json' }, body: '{}' } },
      { url: `${server.issuer}/device?user_code=${'<script>'.repeat(50)}`, init: { method: 'GET' } },
    ];
    for (const c of cases) {
      const res = await fetch(c.url, c.init);
      await res.arrayBuffer();
      expect(res.status, `${c.init.method} ${c.url.slice(0, 80)}`).toBeLessThan(500);
    }
    const big = await fetch(token, { method: 'POST', headers: { 'content-type': 'application/x-www-form-urlencoded' }, body: `grant_type=client_credentials&x=${'a'.repeat(70 * 1024)}` }).then(
      (r) => r.status,
      () => 'closed',
    );
    expect(big === 'closed' || (typeof big === 'number' && big < 500)).toBe(true);
    expect((await fetch(`${server.issuer}/.well-known/openid-configuration`)).status).toBe(200);
  });

  it('unknown or undecodable paths get the RFC 6749 §5.2 JSON error shape, never the framework\'s own body', async () => {
    for (const path of ['//token', '/no-such-endpoint', '/%zz', '/%E0%A4%A', '/token%00']) {
      for (const method of ['GET', 'POST']) {
        const res = await fetch(`${server.issuer}${path}`, { method, headers: { 'content-type': 'application/x-www-form-urlencoded' }, ...(method === 'POST' ? { body: 'grant_type=x' } : {}) });
        expect(res.status, `${method} ${path}`).toBeGreaterThanOrEqual(400);
        expect(res.status, `${method} ${path}`).toBeLessThan(500);
        const body = (await res.json()) as Record<string, unknown>;
        expect(body, `${method} ${path}`).toEqual({ error: 'invalid_request', error_description: expect.any(String) });
      }
    }
  });
});
