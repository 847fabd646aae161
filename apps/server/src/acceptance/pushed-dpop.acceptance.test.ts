// §6A (RFC 9126) and §6B (RFC 9449) of the acceptance interface, driven purely over HTTP as the black-box suite does.
import { createHash } from 'node:crypto';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import * as jose from 'jose';
import { Browser, authorize, basic, codeFrom, makeWorld, pkce, post, rnd, startServer, type Server, type World } from './harness.js';

describe('§6A pushed authorization requests (RFC 9126)', () => {
  let s: Server;
  let w: World;
  let strict: World['pub'] & { require_pushed_authorization_requests: true };
  beforeAll(async () => {
    w = await makeWorld();
    strict = { ...w.pub, client_id: `par-${rnd()}`, redirect_uris: [`https://par-${rnd()}.example.test/cb`], require_pushed_authorization_requests: true };
    const seed = w.seed as { clients: unknown[]; users: unknown[] };
    s = await startServer({ ...seed, clients: [...seed.clients, strict] });
  });
  afterAll(async () => {
    await s?.stop();
  });

  const pushed = async (c: { client_id: string; redirect_uris: string[] }, extra: Record<string, string> = {}) => {
    const p = await pkce();
    const state = `st-${rnd()}`;
    return {
      p,
      state,
      form: { client_id: c.client_id, response_type: 'code', redirect_uri: c.redirect_uris[0]!, scope: 'openid profile', state, code_challenge: p.challenge, code_challenge_method: 'S256', ...extra },
    };
  };

  it('both discovery documents advertise the endpoint', async () => {
    expect(s.meta['pushed_authorization_request_endpoint']).toMatch(/^http:\/\/127\.0\.0\.1:\d+\//);
    const rfc8414 = (await (await fetch(`${s.issuer}/.well-known/oauth-authorization-server`)).json()) as Record<string, unknown>;
    expect(rfc8414['pushed_authorization_request_endpoint']).toBe(s.meta['pushed_authorization_request_endpoint']);
  });

  it('a confidential client pushes (201 { request_uri, expires_in }), then completes the flow with client_id + request_uri; the request_uri works once', async () => {
    const { p, state, form } = await pushed(w.web);
    const r = await post(s.ep('pushed_authorization_request_endpoint'), form, { authorization: basic(w.web.client_id, w.web.client_secret) });
    expect(r.status).toBe(201);
    expect(r.headers.get('content-type')).toMatch(/^application\/json/);
    expect(typeof r.json['request_uri']).toBe('string');
    expect(Number.isInteger(r.json['expires_in']) && (r.json['expires_in'] as number) > 0).toBe(true);
    const requestUri = r.json['request_uri'] as string;
    const b = new Browser(s.issuer);
    const { final } = await authorize(s, b, { client_id: w.web.client_id, request_uri: requestUri }, w.alice);
    const back = codeFrom(final);
    expect(`${back.origin}${back.pathname}`).toBe(w.web.redirect_uris[0]);
    expect(back.searchParams.get('state')).toBe(state);
    expect(back.searchParams.get('iss')).toBe(s.issuer);
    const code = back.searchParams.get('code')!;
    const tokens = await post(s.ep('token_endpoint'), { grant_type: 'authorization_code', code, redirect_uri: w.web.redirect_uris[0]!, code_verifier: p.verifier }, { authorization: basic(w.web.client_id, w.web.client_secret) });
    expect(tokens.status).toBe(200);
    const again = await authorize(s, b, { client_id: w.web.client_id, request_uri: requestUri }, w.alice);
    expect(again.final.location === undefined || new URL(again.final.location).searchParams.get('code') === null).toBe(true);
  });

  it('no or wrong credentials: 401 invalid_client; an unregistered redirect_uri: 400 invalid_request without request_uri', async () => {
    const { form } = await pushed(w.web);
    const none = await post(s.ep('pushed_authorization_request_endpoint'), form);
    expect(none.status).toBe(401);
    expect(none.json['error']).toBe('invalid_client');
    const wrong = await post(s.ep('pushed_authorization_request_endpoint'), form, { authorization: basic(w.web.client_id, 'nope') });
    expect(wrong.status).toBe(401);
    expect(wrong.json['error']).toBe('invalid_client');
    const evil = await post(s.ep('pushed_authorization_request_endpoint'), { ...form, redirect_uri: 'https://evil.example.test/cb' }, { authorization: basic(w.web.client_id, w.web.client_secret) });
    expect(evil.status).toBe(400);
    expect(['invalid_request', 'invalid_redirect_uri']).toContain(evil.json['error']);
    expect(evil.json['request_uri']).toBeUndefined();
  });

  it('a request_uri used with another client_id gives no code, for either client', async () => {
    const { form } = await pushed(w.web);
    const r = await post(s.ep('pushed_authorization_request_endpoint'), form, { authorization: basic(w.web.client_id, w.web.client_secret) });
    const requestUri = r.json['request_uri'] as string;
    const b = new Browser(s.issuer);
    for (const clientId of [w.web2.client_id, w.web.client_id]) {
      const { final } = await authorize(s, b, { client_id: clientId, request_uri: requestUri }, w.alice);
      expect(final.location === undefined || new URL(final.location).searchParams.get('code') === null).toBe(true);
    }
  });

  it('a client seeded with require_pushed_authorization_requests: refused without request_uri, works with one (public client sends client_id)', async () => {
    const { form, state } = await pushed(strict);
    const b = new Browser(s.issuer);
    const direct = await authorize(s, b, form, w.alice);
    expect(direct.final.location === undefined || new URL(direct.final.location).searchParams.get('code') === null).toBe(true);
    expect(direct.final.status === 302 || direct.final.status === 303 || (direct.final.status >= 400 && direct.final.status < 500)).toBe(true);
    const r = await post(s.ep('pushed_authorization_request_endpoint'), form);
    expect(r.status).toBe(201);
    const { final } = await authorize(s, b, { client_id: strict.client_id, request_uri: r.json['request_uri'] as string }, w.alice);
    const back = codeFrom(final);
    expect(back.searchParams.get('code')).toBeTruthy();
    expect(back.searchParams.get('state')).toBe(state);
  });
});

interface DpopKey {
  readonly privateKey: jose.CryptoKey;
  readonly jwk: jose.JWK;
  readonly jkt: string;
}

const dpopKey = async (): Promise<DpopKey> => {
  const { privateKey, publicKey } = await jose.generateKeyPair('ES256');
  const jwk = await jose.exportJWK(publicKey);
  return { privateKey, jwk, jkt: await jose.calculateJwkThumbprint(jwk, 'sha256') };
};

const ath = (token: string): string => createHash('sha256').update(token).digest('base64url');

const dpopProof = (k: DpopKey, htm: string, htu: string, extra: Record<string, unknown> = {}): Promise<string> =>
  new jose.SignJWT({ htm, htu, jti: `${rnd(12)}`, ...extra }).setProtectedHeader({ alg: 'ES256', typ: 'dpop+jwt', jwk: k.jwk }).setIssuedAt().sign(k.privateKey);

describe('§6B DPoP (RFC 9449)', () => {
  let s: Server;
  let w: World;
  beforeAll(async () => {
    w = await makeWorld();
    s = await startServer(w.seed);
  });
  afterAll(async () => {
    await s?.stop();
  });

  /** A token request with a proof, retried once with the server's nonce when it asks for one (§8). */
  const tokenWithProof = async (k: DpopKey, form: Record<string, string>, headers: Record<string, string> = {}) => {
    const url = s.ep('token_endpoint');
    let r = await post(url, form, { ...headers, dpop: await dpopProof(k, 'POST', url) });
    const nonce = r.headers.get('dpop-nonce');
    if (r.status === 400 && r.json['error'] === 'use_dpop_nonce' && nonce !== null) r = await post(url, form, { ...headers, dpop: await dpopProof(k, 'POST', url, { nonce }) });
    return r;
  };

  const codeFlow = async (c: { client_id: string; redirect_uris: string[] }, scope: string) => {
    const p = await pkce();
    const b = new Browser(s.issuer);
    const { final } = await authorize(s, b, { response_type: 'code', client_id: c.client_id, redirect_uri: c.redirect_uris[0]!, scope, state: rnd(), code_challenge: p.challenge, code_challenge_method: 'S256' }, w.alice);
    return { code: codeFrom(final).searchParams.get('code')!, verifier: p.verifier, redirectUri: c.redirect_uris[0]! };
  };

  const introspect = (token: string) => post(s.ep('introspection_endpoint'), { token }, { authorization: basic(w.web.client_id, w.web.client_secret) });

  it('both discovery documents list dpop_signing_alg_values_supported with ES256', async () => {
    expect(s.meta['dpop_signing_alg_values_supported']).toContain('ES256');
    const rfc8414 = (await (await fetch(`${s.issuer}/.well-known/oauth-authorization-server`)).json()) as Record<string, unknown>;
    expect(rfc8414['dpop_signing_alg_values_supported']).toContain('ES256');
  });

  it('client_credentials with a proof: token_type DPoP and cnf.jkt at introspection; without: Bearer, no cnf', async () => {
    const k = await dpopKey();
    const bound = await tokenWithProof(k, { grant_type: 'client_credentials', scope: w.apiScope }, { authorization: basic(w.cc.client_id, w.cc.client_secret) });
    expect(bound.status).toBe(200);
    expect(String(bound.json['token_type']).toLowerCase()).toBe('dpop');
    const plain = await post(s.ep('token_endpoint'), { grant_type: 'client_credentials', scope: w.apiScope }, { authorization: basic(w.cc.client_id, w.cc.client_secret) });
    expect(String(plain.json['token_type']).toLowerCase()).toBe('bearer');
    const info = await post(s.ep('introspection_endpoint'), { token: bound.json['access_token'] as string }, { authorization: basic(w.cc.client_id, w.cc.client_secret) });
    expect(info.json).toMatchObject({ active: true, cnf: { jkt: k.jkt } });
    const plainInfo = await post(s.ep('introspection_endpoint'), { token: plain.json['access_token'] as string }, { authorization: basic(w.cc.client_id, w.cc.client_secret) });
    expect(plainInfo.json['cnf']).toBeUndefined();
  });

  it('userinfo takes the DPoP token with a proof for that request; Bearer, another key, htu, htm, ath and a replayed jti are 401', async () => {
    const k = await dpopKey();
    const other = await dpopKey();
    const { code, verifier, redirectUri } = await codeFlow(w.web, 'openid profile');
    const tokens = await tokenWithProof(k, { grant_type: 'authorization_code', code, redirect_uri: redirectUri, code_verifier: verifier }, { authorization: basic(w.web.client_id, w.web.client_secret) });
    expect(String(tokens.json['token_type']).toLowerCase()).toBe('dpop');
    const access = tokens.json['access_token'] as string;
    expect((await introspect(access)).json).toMatchObject({ active: true, cnf: { jkt: k.jkt } });
    const url = s.ep('userinfo_endpoint');
    const get = (authorization: string, dpop?: string) => fetch(url, { headers: { authorization, ...(dpop === undefined ? {} : { dpop }) } });
    const good = await dpopProof(k, 'GET', url, { ath: ath(access) });
    const ok = await get(`DPoP ${access}`, good);
    expect(ok.status).toBe(200);
    expect(((await ok.json()) as Record<string, unknown>)['sub']).toBe(w.alice.claims['sub']);
    expect((await get(`DPoP ${access}`, good)).status).toBe(401);
    expect((await get(`Bearer ${access}`)).status).toBe(401);
    expect((await get(`DPoP ${access}`, await dpopProof(other, 'GET', url, { ath: ath(access) }))).status).toBe(401);
    expect((await get(`DPoP ${access}`, await dpopProof(k, 'GET', `${s.issuer}/somewhere-else`, { ath: ath(access) }))).status).toBe(401);
    expect((await get(`DPoP ${access}`, await dpopProof(k, 'POST', url, { ath: ath(access) }))).status).toBe(401);
    expect((await get(`DPoP ${access}`, await dpopProof(k, 'GET', url, { ath: ath(`${access}x`) }))).status).toBe(401);
    const challenge = (await get(`Bearer ${access}`)).headers.get('www-authenticate') ?? '';
    expect(challenge).toMatch(/DPoP/);
  });

  it('a public client refresh token is bound to its key: same key works (DPoP), none or another key: no tokens', async () => {
    const k = await dpopKey();
    const other = await dpopKey();
    const { code, verifier, redirectUri } = await codeFlow(w.pub, 'openid');
    const tokens = await tokenWithProof(k, { grant_type: 'authorization_code', code, redirect_uri: redirectUri, code_verifier: verifier, client_id: w.pub.client_id });
    expect(tokens.status).toBe(200);
    const refresh = tokens.json['refresh_token'] as string;
    const form = { grant_type: 'refresh_token', refresh_token: refresh, client_id: w.pub.client_id };
    const none = await post(s.ep('token_endpoint'), form);
    expect([400, 401]).toContain(none.status);
    expect(none.json['access_token']).toBeUndefined();
    const wrong = await tokenWithProof(other, form);
    expect([400, 401]).toContain(wrong.status);
    expect(wrong.json['access_token']).toBeUndefined();
    const same = await tokenWithProof(k, form);
    expect(same.status).toBe(200);
    expect(String(same.json['token_type']).toLowerCase()).toBe('dpop');
  });
});
