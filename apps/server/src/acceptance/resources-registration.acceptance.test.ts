import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import * as jose from 'jose';
import { authorize, basic, Browser, codeFrom, makeWorld, pkce, post, rnd, startServer, type Server, type World } from './harness.js';

/**
 * Acceptance interface §6C (RFC 8707 resource indicators) and §6D (RFC 7591 / RFC 7592 registration), driven over
 * HTTP only, as the independent suite does: the README command, PORT / ISSUER / SEED plus REGISTRATION=open, a
 * seed with a top-level `resources` array. DATABASE_URL, when set, runs the same suite on that database.
 */

interface Json { status: number; headers: Headers; json: Record<string, unknown> }

const call = async (method: string, url: string, body?: unknown, headers: Record<string, string> = {}): Promise<Json> => {
  const res = await fetch(url, {
    method,
    headers: { ...(body === undefined ? {} : { 'content-type': 'application/json' }), ...headers },
    ...(body === undefined ? {} : { body: JSON.stringify(body) }),
  });
  const text = await res.text();
  let json: Record<string, unknown> = {};
  try {
    json = text === '' ? {} : (JSON.parse(text) as Record<string, unknown>);
  } catch {
    /* not JSON */
  }
  return { status: res.status, headers: res.headers, json };
};

const audiences = (aud: unknown): string[] => (aud === undefined ? [] : Array.isArray(aud) ? (aud as string[]) : [aud as string]);

describe('§6C resource indicators and §6D dynamic client registration', () => {
  let s: Server;
  let w: World;
  const r1 = `https://api-${rnd()}.rs.test/`;
  const r2 = `https://api-${rnd()}.rs.test/v2`;
  const r3 = `https://other-${rnd()}.rs.test/`;
  const rsClient = { client_id: `rs-${rnd()}`, client_secret: rnd(16), client_name: 'RS', redirect_uris: [], grant_types: ['client_credentials'], response_types: [], scope: '', token_endpoint_auth_method: 'client_secret_basic' };

  beforeAll(async () => {
    w = await makeWorld();
    const seed = w.seed as { clients: unknown[]; users: unknown[] };
    const resources = [
      { identifier: r1, scope: `${w.apiScope} api:write`, introspection_client_ids: [rsClient.client_id] },
      { identifier: r2, scope: w.apiScope },
      { identifier: r3, scope: 'other:read' },
    ];
    const env: Record<string, string> = { REGISTRATION: 'open', ...(process.env['DATABASE_URL'] === undefined ? {} : { DATABASE_URL: process.env['DATABASE_URL'] }) };
    s = await startServer({ ...seed, clients: [...seed.clients, rsClient], resources }, undefined, env);
  });
  afterAll(async () => {
    await s?.stop();
  });

  const token = (params: Record<string, string>, headers: Record<string, string> = {}) => post(s.ep('token_endpoint'), params, headers);
  const introspect = (tok: string, id: string, secret: string) => post(s.ep('introspection_endpoint'), { token: tok }, { authorization: basic(id, secret) });
  const ccAuth = () => ({ authorization: basic(w.cc.client_id, w.cc.client_secret) });

  describe('§6C', () => {
    it('client_credentials with a resource: the token has that audience and no other seeded resource', async () => {
      const r = await token({ grant_type: 'client_credentials', resource: r1, scope: w.apiScope }, ccAuth());
      expect(r.status).toBe(200);
      const info = await introspect(r.json['access_token'] as string, w.cc.client_id, w.cc.client_secret);
      expect(info.json['active']).toBe(true);
      expect(audiences(info.json['aud'])).toContain(r1);
      expect(audiences(info.json['aud'])).not.toContain(r2);
      expect(audiences(info.json['aud'])).not.toContain(r3);
    });

    it('an unregistered or malformed resource is invalid_target (400)', async () => {
      for (const resource of [`https://unknown-${rnd()}.rs.test/`, 'not a uri', `${r1}#frag`]) {
        const r = await token({ grant_type: 'client_credentials', resource }, ccAuth());
        expect(r.status).toBe(400);
        expect(r.json['error']).toBe('invalid_target');
        expect(r.json).not.toHaveProperty('access_token');
      }
    });

    it('a resource server introspects the tokens of its audience and no other', async () => {
      const forR1 = await token({ grant_type: 'client_credentials', resource: r1 }, ccAuth());
      const forR2 = await token({ grant_type: 'client_credentials', resource: r2 }, ccAuth());
      const mine = await introspect(forR1.json['access_token'] as string, rsClient.client_id, rsClient.client_secret);
      expect(mine.json).toMatchObject({ active: true, client_id: w.cc.client_id });
      const other = await introspect(forR2.json['access_token'] as string, rsClient.client_id, rsClient.client_secret);
      expect(other.json).toEqual({ active: false });
    });

    it('authorize with an unregistered resource: error redirect with invalid_target, state and iss, no code', async () => {
      const { challenge } = await pkce();
      const state = rnd();
      const b = new Browser(s.issuer);
      const { final } = await authorize(s, b, [
        ['client_id', w.web.client_id], ['response_type', 'code'], ['redirect_uri', w.web.redirect_uris[0] as string], ['scope', 'openid'],
        ['state', state], ['code_challenge', challenge], ['code_challenge_method', 'S256'], ['resource', r1], ['resource', `https://nope-${rnd()}.test/`],
      ]);
      const u = codeFrom(final);
      expect(u.searchParams.get('error')).toBe('invalid_target');
      expect(u.searchParams.get('state')).toBe(state);
      expect(u.searchParams.get('iss')).toBe(s.issuer);
      expect(u.searchParams.get('code')).toBeNull();
    });

    it('code flow with two resources: the token narrows to one, a refresh to the other, never to a third', async () => {
      const { verifier, challenge } = await pkce();
      const b = new Browser(s.issuer);
      const redirectUri = w.web.redirect_uris[0] as string;
      const { final } = await authorize(s, b, [
        ['client_id', w.web.client_id], ['response_type', 'code'], ['redirect_uri', redirectUri], ['scope', `openid ${w.apiScope}`],
        ['state', 'st'], ['code_challenge', challenge], ['code_challenge_method', 'S256'], ['resource', r1], ['resource', r2],
      ], w.alice);
      const code = codeFrom(final).searchParams.get('code');
      expect(code).toBeTruthy();
      const auth = { authorization: basic(w.web.client_id, w.web.client_secret) };
      const t = await token({ grant_type: 'authorization_code', code: code as string, redirect_uri: redirectUri, code_verifier: verifier, resource: r1 }, auth);
      expect(t.status).toBe(200);
      expect(typeof t.json['id_token']).toBe('string');
      const first = await introspect(t.json['access_token'] as string, w.web.client_id, w.web.client_secret);
      expect(audiences(first.json['aud'])).toEqual([r1]);

      const widened = await token({ grant_type: 'refresh_token', refresh_token: t.json['refresh_token'] as string, resource: r3 }, auth);
      expect(widened.status).toBe(400);
      expect(widened.json['error']).toBe('invalid_target');

      const narrowed = await token({ grant_type: 'refresh_token', refresh_token: t.json['refresh_token'] as string, resource: r2 }, auth);
      expect(narrowed.status).toBe(200);
      const second = await introspect(narrowed.json['access_token'] as string, w.web.client_id, w.web.client_secret);
      expect(audiences(second.json['aud'])).toEqual([r2]);

      const unknown = await token({ grant_type: 'refresh_token', refresh_token: narrowed.json['refresh_token'] as string, resource: `https://x-${rnd()}.test/` }, auth);
      expect(unknown.json['error']).toBe('invalid_target');
      const again = await token({ grant_type: 'refresh_token', refresh_token: narrowed.json['refresh_token'] as string, resource: r1 }, auth);
      expect(again.status).toBe(200);
    });

    it('a token-endpoint resource that the authorization request did not name is invalid_target', async () => {
      const { verifier, challenge } = await pkce();
      const b = new Browser(s.issuer);
      const redirectUri = w.web.redirect_uris[0] as string;
      const { final } = await authorize(s, b, [
        ['client_id', w.web.client_id], ['response_type', 'code'], ['redirect_uri', redirectUri], ['scope', 'openid'],
        ['code_challenge', challenge], ['code_challenge_method', 'S256'], ['resource', r1],
      ], w.alice);
      const code = codeFrom(final).searchParams.get('code') as string;
      const t = await token({ grant_type: 'authorization_code', code, redirect_uri: redirectUri, code_verifier: verifier, resource: r2 }, { authorization: basic(w.web.client_id, w.web.client_secret) });
      expect(t.status).toBe(400);
      expect(t.json['error']).toBe('invalid_target');
    });
  });

  describe('§6D', () => {
    const register = (metadata: Record<string, unknown>) => call('POST', s.meta['registration_endpoint'] as string, metadata);

    it('advertises registration_endpoint in both discovery documents', async () => {
      expect(typeof s.meta['registration_endpoint']).toBe('string');
      const oauth = await call('GET', `${s.issuer}/.well-known/oauth-authorization-server`);
      expect(oauth.json['registration_endpoint']).toBe(s.meta['registration_endpoint']);
    });

    it('a confidential client registers and works at once (client_credentials, then code flow with an ID token)', async () => {
      const redirectUri = `https://rp-${rnd()}.example.test/cb`;
      const r = await register({
        client_name: 'Registered', redirect_uris: [redirectUri], grant_types: ['authorization_code', 'refresh_token', 'client_credentials'],
        response_types: ['code'], scope: `openid profile ${w.apiScope}`, token_endpoint_auth_method: 'client_secret_basic',
      });
      expect(r.status).toBe(201);
      expect(r.json).toMatchObject({ client_name: 'Registered', redirect_uris: [redirectUri], token_endpoint_auth_method: 'client_secret_basic' });
      const id = r.json['client_id'] as string;
      const secret = r.json['client_secret'] as string;
      expect(typeof secret).toBe('string');
      expect(typeof r.json['registration_access_token']).toBe('string');
      expect(typeof r.json['registration_client_uri']).toBe('string');
      const cc = await token({ grant_type: 'client_credentials', scope: w.apiScope }, { authorization: basic(id, secret) });
      expect(cc.status).toBe(200);

      const { verifier, challenge } = await pkce();
      const nonce = rnd();
      const { final } = await authorize(s, new Browser(s.issuer), {
        client_id: id, response_type: 'code', redirect_uri: redirectUri, scope: 'openid profile', state: 's', nonce, code_challenge: challenge, code_challenge_method: 'S256',
      }, w.bob);
      const code = codeFrom(final).searchParams.get('code') as string;
      const t = await token({ grant_type: 'authorization_code', code, redirect_uri: redirectUri, code_verifier: verifier }, { authorization: basic(id, secret) });
      expect(t.status).toBe(200);
      const claims = jose.decodeJwt(t.json['id_token'] as string);
      expect(claims).toMatchObject({ aud: id, sub: w.bob.claims['sub'], nonce });
    });

    it('a public client gets no secret and runs the code flow with PKCE', async () => {
      const redirectUri = 'http://127.0.0.1:8123/callback';
      const r = await register({ client_name: 'Native', redirect_uris: [redirectUri], grant_types: ['authorization_code'], response_types: ['code'], scope: 'openid', token_endpoint_auth_method: 'none' });
      expect(r.status).toBe(201);
      expect(r.json).not.toHaveProperty('client_secret');
      const id = r.json['client_id'] as string;
      const { verifier, challenge } = await pkce();
      const { final } = await authorize(s, new Browser(s.issuer), { client_id: id, response_type: 'code', redirect_uri: redirectUri, scope: 'openid', code_challenge: challenge, code_challenge_method: 'S256' }, w.alice);
      const code = codeFrom(final).searchParams.get('code') as string;
      const t = await token({ grant_type: 'authorization_code', code, redirect_uri: redirectUri, code_verifier: verifier, client_id: id });
      expect(t.status).toBe(200);
      expect(typeof t.json['id_token']).toBe('string');
    });

    it('GET/PUT/DELETE with the registration access token; no, wrong or another client\'s token is 401', async () => {
      const a = await register({ client_name: 'A', redirect_uris: [], grant_types: ['client_credentials'], response_types: [], scope: w.apiScope, token_endpoint_auth_method: 'client_secret_post' });
      const b = await register({ client_name: 'B', redirect_uris: [], grant_types: ['client_credentials'], response_types: [], scope: w.apiScope, token_endpoint_auth_method: 'client_secret_basic' });
      const uri = a.json['registration_client_uri'] as string;
      const bearer = (t: unknown) => ({ authorization: `Bearer ${String(t)}` });

      const read = await call('GET', uri, undefined, bearer(a.json['registration_access_token']));
      expect(read.status).toBe(200);
      expect(read.json).toMatchObject({ client_id: a.json['client_id'], client_name: 'A' });
      for (const headers of [{}, bearer('wrong'), bearer(b.json['registration_access_token'])]) {
        const denied = await call('GET', uri, undefined, headers);
        expect(denied.status).toBe(401);
        expect(denied.json).not.toHaveProperty('client_name');
        expect((await call('DELETE', uri, undefined, headers)).status).toBe(401);
      }

      const updated = await call('PUT', uri, {
        client_id: a.json['client_id'], client_name: 'A2', redirect_uris: [], grant_types: ['client_credentials'], response_types: [], scope: w.apiScope, token_endpoint_auth_method: 'client_secret_post',
      }, bearer(a.json['registration_access_token']));
      expect(updated.status).toBe(200);
      expect(updated.json['client_name']).toBe('A2');
      const current = updated.json['registration_access_token'] ?? a.json['registration_access_token'];
      expect((await call('GET', uri, undefined, bearer(current))).json['client_name']).toBe('A2');
      const works = await token({ grant_type: 'client_credentials', client_id: a.json['client_id'] as string, client_secret: a.json['client_secret'] as string });
      expect(works.status).toBe(200);

      expect((await call('DELETE', uri, undefined, bearer(current))).status).toBe(204);
      const gone = await token({ grant_type: 'client_credentials', client_id: a.json['client_id'] as string, client_secret: a.json['client_secret'] as string });
      expect(gone.status).toBe(401);
      expect(gone.json['error']).toBe('invalid_client');
      expect((await call('GET', uri, undefined, bearer(current))).status).toBe(401);
      // B is untouched.
      expect((await token({ grant_type: 'client_credentials' }, { authorization: basic(b.json['client_id'] as string, b.json['client_secret'] as string) })).status).toBe(200);
    });

    it('invalid metadata: invalid_redirect_uri for a fragment, invalid_client_metadata for an unknown method', async () => {
      const fragment = await register({ redirect_uris: ['https://rp.example.test/cb#x'], grant_types: ['authorization_code'], response_types: ['code'], token_endpoint_auth_method: 'none' });
      expect(fragment.status).toBe(400);
      expect(fragment.json['error']).toBe('invalid_redirect_uri');
      const method = await register({ redirect_uris: [], grant_types: ['client_credentials'], response_types: [], token_endpoint_auth_method: 'magic' });
      expect(method.status).toBe(400);
      expect(method.json['error']).toBe('invalid_client_metadata');
    });
  });
});
