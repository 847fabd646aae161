// §6A (RFC 9126) and §6B (RFC 9449) of the acceptance interface, driven purely over HTTP as the black-box suite does.
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
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
