import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { Browser, authorize, basic, codeFrom, isLogin, makeWorld, parseForms, pkce, post, rnd, startServer, type Server, type World } from './harness.js';
import { raw, rawPost } from './raw.js';

describe('§5 errors and robustness', () => {
  let s: Server;
  let w: World;
  const seen: string[] = [];
  beforeAll(async () => {
    w = await makeWorld();
    s = await startServer(w.seed);
  });
  afterAll(async () => {
    await s?.stop();
  });
  const path = (name: string) => new URL(s.ep(name)).pathname;
  const formEndpoints = () => ['token_endpoint', 'introspection_endpoint', 'revocation_endpoint', 'device_authorization_endpoint'];
  const healthy = async () => {
    const r = await fetch(`${s.issuer}/.well-known/openid-configuration`);
    expect(r.status).toBe(200);
    const t = await post(s.ep('token_endpoint'), { grant_type: 'client_credentials' }, { authorization: basic(w.cc.client_id, w.cc.client_secret) });
    expect(t.status).toBe(200);
  };

  it('non-form bodies are refused with a JSON error (400)', async () => {
    for (const ep of formEndpoints()) {
      const body = JSON.stringify({ grant_type: 'client_credentials', client_id: w.post.client_id, client_secret: w.post.client_secret, token: 'x' });
      for (const ct of ['application/json', 'text/plain', 'multipart/form-data; boundary=x', 'application/xml', '']) {
        const h: Record<string, string> = { authorization: basic(w.cc.client_id, w.cc.client_secret) };
        if (ct) h['content-type'] = ct;
        const res = await fetch(s.ep(ep), { method: 'POST', headers: h, body });
        const text = await res.text();
        expect(res.status, `${ep} ${ct}: ${text}`).toBe(400);
        expect(res.headers.get('content-type') ?? '').toMatch(/application\/json/);
        expect(typeof (JSON.parse(text) as Record<string, unknown>)['error']).toBe('string');
      }
    }
  });

  it('every client error is JSON with a registered error code; 401 + WWW-Authenticate only with HTTP auth', async () => {
    const registry = new Set(['invalid_request', 'invalid_client', 'invalid_grant', 'unauthorized_client', 'unsupported_grant_type', 'invalid_scope',
      'authorization_pending', 'slow_down', 'access_denied', 'expired_token', 'unsupported_token_type', 'invalid_token']);
    const cases: [string, Record<string, string>, Record<string, string>][] = [
      ['token_endpoint', {}, {}],
      ['token_endpoint', { grant_type: 'client_credentials' }, {}],
      ['token_endpoint', { grant_type: 'nope' }, { authorization: basic(w.cc.client_id, w.cc.client_secret) }],
      ['token_endpoint', { grant_type: 'authorization_code' }, { authorization: basic(w.web.client_id, w.web.client_secret) }],
      ['token_endpoint', { grant_type: 'refresh_token' }, { authorization: basic(w.web.client_id, w.web.client_secret) }],
      ['token_endpoint', { grant_type: 'refresh_token', refresh_token: 'nope' }, { authorization: basic(w.web.client_id, w.web.client_secret) }],
      ['token_endpoint', { grant_type: 'client_credentials', client_id: w.post.client_id, client_secret: w.post.client_secret, scope: 'bogus' }, {}],
      ['token_endpoint', { grant_type: 'client_credentials', client_id: w.post.client_id, client_secret: w.post.client_secret, extra: 'x' }, {}],
      ['introspection_endpoint', {}, { authorization: basic(w.cc.client_id, w.cc.client_secret) }],
      ['revocation_endpoint', {}, { authorization: basic(w.cc.client_id, w.cc.client_secret) }],
      ['revocation_endpoint', { token: 'x' }, {}],
      ['device_authorization_endpoint', {}, {}],
    ];
    for (const [ep, p, h] of cases) {
      const r = await post(s.ep(ep), p, h);
      const label = `${ep} ${JSON.stringify(p)} ${JSON.stringify(h)} → ${r.status} ${r.text}`;
      if (r.status === 200) continue; // e.g. an extra parameter is ignored
      expect([400, 401], label).toContain(r.status);
      expect(r.headers.get('content-type') ?? '', label).toMatch(/application\/json/);
      expect(registry.has(r.json['error'] as string), label).toBe(true);
      if (h['authorization']) {
        if (r.json['error'] === 'invalid_client') expect(r.status, label).toBe(401);
        if (r.status === 401) expect(r.headers.get('www-authenticate') ?? '', label).toMatch(/^Basic/i);
      }
    }
    // duplicated parameters are invalid_request
    const dup = await post(s.ep('token_endpoint'), 'grant_type=client_credentials&grant_type=client_credentials', { authorization: basic(w.cc.client_id, w.cc.client_secret) });
    expect(dup.status).toBe(400);
    expect(dup.json['error']).toBe('invalid_request');
  });

  it('broken Authorization headers never 5xx; Basic attempts → 401 + WWW-Authenticate', async () => {
    const headers = ['Basic', 'Basic ', 'Basic !!!!', 'Basic ' + Buffer.from('nocolon').toString('base64'), 'Basic ' + Buffer.from(':').toString('base64'),
      'Basic ' + Buffer.from('%zz:%zz').toString('base64'), 'Basic ' + Buffer.from([0xff, 0xfe, 0x3a, 0x80]).toString('base64'),
      'Basic ' + 'A'.repeat(20000), 'Basic ' + Buffer.from(`${w.cc.client_id}:${w.cc.client_secret}`).toString('base64') + '===junk',
      'Bearer abc', 'Digest x', 'basic ' + Buffer.from(`${w.cc.client_id}:wrong`).toString('base64'), '\u00e9\u00e9', 'Basic \u00e9'];
    for (const h of headers) {
      for (const ep of formEndpoints()) {
        const r = await rawPost(s.port, path(ep), 'grant_type=client_credentials&token=x&client_id=' + w.device.client_id,
          { 'content-type': 'application/x-www-form-urlencoded', authorization: h });
        const label = `${ep} Authorization: ${h.slice(0, 60)} → ${r.status} ${r.body.slice(0, 200)}`;
        expect(r.closedWithoutResponse, label).toBe(false);
        expect(r.status, label).toBeGreaterThanOrEqual(200);
        expect(r.status, label).toBeLessThan(500);
        if (h.length > 16000 && r.status === 431) continue; // an oversized header may be refused as such (4xx, answered)
        if (/^basic/i.test(h) && r.status >= 400 && r.body.includes('"invalid_client"')) {
          expect(r.status, label).toBe(401);
          expect(r.head, label).toMatch(/\r\nwww-authenticate: *basic/i);
        }
        if (r.status >= 400) expect(r.head, label).toMatch(/\r\ncontent-type: *application\/json/i);
      }
    }
    await healthy();
  });

  it('odd methods, paths, parameter names and values, Unicode and invalid UTF-8 never 5xx or drop the connection', async () => {
    const targets = [...formEndpoints().map(path), path('authorization_endpoint'), path('userinfo_endpoint'), path('jwks_uri'), '/.well-known/openid-configuration',
      new URL(s.ep('device_authorization_endpoint')).pathname, '/nonexistent', '/%', '/%ff%fe', '/..%2f..%2fetc/passwd'];
    const methods = ['GET', 'POST', 'PUT', 'DELETE', 'PATCH', 'OPTIONS', 'HEAD', 'TRACE', 'FOO'];
    const bodies: Buffer[] = [
      Buffer.from(''), Buffer.from('a'), Buffer.from('=&=&&='), Buffer.from('%'), Buffer.from('%zz=%zz'), Buffer.from('grant_type=%ff%fe'),
      Buffer.from([0x67, 0x3d, 0xff, 0xfe, 0xc0, 0x80]), Buffer.from('grant_type=client_credentials&scope=' + encodeURIComponent('\u{1F600}\u0000\u202e')),
      Buffer.from(`${'n'.repeat(5000)}=${'v'.repeat(5000)}`), Buffer.from('a[b][c]=1&__proto__=x&constructor=y&toString=z&hasOwnProperty=1'),
      Buffer.from('grant_type=authorization_code&code=' + '%00'.repeat(100) + '&redirect_uri=javascript:alert(1)&code_verifier=\u00e9'),
    ];
    const cts = ['application/x-www-form-urlencoded', 'application/x-www-form-urlencoded; charset=latin1', 'application/json', 'text/plain', '*/*', 'x', 'application/x-www-form-urlencoded;;;=='];
    const results: string[] = [];
    for (const t of targets) {
      for (const m of methods) {
        const r = await rawPost(s.port, t, bodies[(t.length + m.length) % bodies.length]!, { 'content-type': cts[m.length % cts.length]! }, m);
        results.push(`${m} ${t} → ${r.status}`);
        expect(r.closedWithoutResponse, `${m} ${t} ${r.error ?? ''}`).toBe(false);
        expect(r.status, `${m} ${t}`).toBeLessThan(500);
      }
    }
    for (const ep of [...formEndpoints().map(path)]) {
      for (const b of bodies) {
        for (const ct of cts) {
          const r = await rawPost(s.port, ep, b, { 'content-type': ct, authorization: basic(w.cc.client_id, w.cc.client_secret) });
          const label = `${ep} ${ct} ${b.toString('latin1').slice(0, 60)} → ${r.status} ${r.body.slice(0, 200)}`;
          expect(r.closedWithoutResponse, label).toBe(false);
          expect(r.status, label).toBeLessThan(500);
          if (r.status >= 400) expect(r.head, label).toMatch(/\r\ncontent-type: *application\/json/i);
        }
      }
    }
    // odd query strings at the authorization endpoint
    for (const q of ['%', '%ff', 'client_id=%ff', `client_id=${w.web.client_id}&redirect_uri=%ff`, `client_id=${w.web.client_id}&client_id=${w.web.client_id}`,
      'a'.repeat(8000), `client_id=${encodeURIComponent('\u{1F600}')}`, `response_type=code&client_id=${w.web.client_id}&redirect_uri=${encodeURIComponent(w.web.redirect_uris[0]!)}&scope=%ff&state=%fe`]) {
      const r = await raw(s.port, `GET ${path('authorization_endpoint')}?${q} HTTP/1.1\r\nhost: x\r\nconnection: close\r\n\r\n`);
      expect(r.closedWithoutResponse, q.slice(0, 60)).toBe(false);
      expect(r.status, q.slice(0, 60)).toBeLessThan(500);
    }
    // oversized request line / headers below 64 KiB: answered (4xx allowed), never dropped
    for (const req of [
      `GET ${path('authorization_endpoint')}?client_id=${'a'.repeat(40_000)} HTTP/1.1\r\nhost: x\r\nconnection: close\r\n\r\n`,
      `GET /.well-known/openid-configuration HTTP/1.1\r\nhost: x\r\nconnection: close\r\n${Array.from({ length: 400 }, (_, i) => `x-h${i}: ${'v'.repeat(90)}`).join('\r\n')}\r\n\r\n`,
      `GET / HTTP/1.1\r\nhost: x\r\nconnection: close\r\nx-bad: \u00ff\u00fe\r\n\r\n`,
      `GET / HTTP/9.9\r\nhost: x\r\nconnection: close\r\n\r\n`,
      `BROKEN\r\n\r\n`,
    ]) {
      const r = await raw(s.port, Buffer.from(req, 'latin1'));
      expect(r.closedWithoutResponse, req.slice(0, 80)).toBe(false);
      expect(r.status, req.slice(0, 80)).toBeLessThan(500);
    }
    seen.push(...results);
    await healthy();
  });

  it('bodies near 64 KiB are answered; above 64 KiB no 5xx (closing allowed); server stays healthy', async () => {
    for (const ep of formEndpoints().map(path)) {
      for (const size of [60 * 1024, 64 * 1024 - 200, 64 * 1024 - 1]) {
        const prefix = 'grant_type=client_credentials&pad=';
        const body = prefix + 'x'.repeat(size - prefix.length);
        const r = await rawPost(s.port, ep, body, { 'content-type': 'application/x-www-form-urlencoded', authorization: basic(w.cc.client_id, w.cc.client_secret) });
        const label = `${ep} ${size} → ${r.status} ${r.error ?? ''} ${r.body.slice(0, 200)}`;
        expect(r.closedWithoutResponse, label).toBe(false);
        expect(r.status, label).toBeLessThan(500);
      }
      for (const size of [64 * 1024 + 1, 100 * 1024, 2 * 1024 * 1024]) {
        const r = await rawPost(s.port, ep, 'x'.repeat(size), { 'content-type': 'application/x-www-form-urlencoded' });
        if (!r.closedWithoutResponse) expect(r.status, `${ep} ${size}`).toBeLessThan(500);
      }
      // many parameters
      const many = Array.from({ length: 3000 }, (_, i) => `p${i}=${i}`).join('&');
      const r = await rawPost(s.port, ep, `grant_type=client_credentials&${many}`, { 'content-type': 'application/x-www-form-urlencoded', authorization: basic(w.cc.client_id, w.cc.client_secret) });
      expect(r.closedWithoutResponse).toBe(false);
      expect(r.status).toBeLessThan(500);
    }
    // chunked body with no content-length, and a content-length that lies
    const chunked = await raw(s.port, `POST ${path('token_endpoint')} HTTP/1.1\r\nhost: x\r\nconnection: close\r\ncontent-type: application/x-www-form-urlencoded\r\ntransfer-encoding: chunked\r\nauthorization: ${basic(w.cc.client_id, w.cc.client_secret)}\r\n\r\n1d\r\ngrant_type=client_credentials\r\n0\r\n\r\n`);
    expect(chunked.status).toBe(200);
    const liar = await raw(s.port, `POST ${path('token_endpoint')} HTTP/1.1\r\nhost: x\r\nconnection: close\r\ncontent-type: application/x-www-form-urlencoded\r\ncontent-length: 5\r\n\r\ngrant_type=client_credentials`, 5000);
    expect(liar.status).toBeLessThan(500);
    await healthy();
  });

  it('the HTML pages (login, consent, device) survive malformed form posts', async () => {
    const b = new Browser(s.issuer);
    const p = await pkce();
    const u = new URL(s.ep('authorization_endpoint'));
    for (const [k, v] of Object.entries({ response_type: 'code', client_id: w.web.client_id, redirect_uri: w.web.redirect_uris[0]!, scope: 'openid', state: 'x', code_challenge: p.challenge, code_challenge_method: 'S256' })) u.searchParams.set(k, v);
    const page = await b.get(u.href);
    const form = parseForms(page.body, page.url).find(isLogin)!;
    const dev = await b.get(s.ep('device_authorization_endpoint').replace(/[^/]+$/, ''));
    const devForm = await post(s.ep('device_authorization_endpoint'), { client_id: w.device.client_id });
    const vuri = devForm.json['verification_uri'] as string;
    expect(dev.status).toBeLessThan(500);
    const bodies = ['', 'username=&password=', `username=${'u'.repeat(60_000)}&password=x`, 'username=%ff&password=%fe', 'csrf=wrong&username=a&password=b',
      `user_code=${encodeURIComponent('\u{1F600}'.repeat(100))}`, 'user_code=%00%00', 'decision=approve', 'decision=%ff', Buffer.from([0xc3, 0x28, 0x3d, 0xa0]).toString('latin1')];
    for (const target of [form.action, vuri]) {
      for (const body of bodies) {
        const cookie = b.cookies.map((c) => `${c.name}=${c.value}`).join('; ');
        const r = await rawPost(s.port, new URL(target).pathname + new URL(target).search, Buffer.from(body, 'latin1'), { 'content-type': 'application/x-www-form-urlencoded', cookie });
        expect(r.closedWithoutResponse, `${target} ${body.slice(0, 40)}`).toBe(false);
        expect(r.status, `${target} ${body.slice(0, 40)}`).toBeLessThan(500);
        expect(r.head).not.toMatch(new RegExp(`\r\nlocation: *${w.web.redirect_uris[0]!}[^\r]*code=`, 'i'));
      }
    }
    await healthy();
  });

  it('after the sweep a person still signs in, consents and the code is redeemed for tokens (§5: stays healthy)', async () => {
    await healthy();
    const p = await pkce();
    const params = { response_type: 'code', client_id: w.web.client_id, redirect_uri: w.web.redirect_uris[0]!, scope: 'openid', state: rnd(), code_challenge: p.challenge, code_challenge_method: 'S256' };
    const { final } = await authorize(s, new Browser(s.issuer), params, w.bob);
    expect([302, 303]).toContain(final.status);
    const cb = codeFrom(final);
    expect(`${cb.origin}${cb.pathname}`).toBe(w.web.redirect_uris[0]);
    expect(cb.searchParams.get('state')).toBe(params.state);
    const t = await post(
      s.ep('token_endpoint'),
      { grant_type: 'authorization_code', code: cb.searchParams.get('code') ?? '', redirect_uri: params.redirect_uri, code_verifier: p.verifier },
      { authorization: basic(w.web.client_id, w.web.client_secret) },
    );
    expect(t.status, t.text).toBe(200);
    expect(typeof t.json['access_token']).toBe('string');
    expect(typeof t.json['id_token']).toBe('string');
  });
});
