import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { conformanceProtected, type ConformanceServer } from './fixture.js';
import { basic, form, formHeaders, isRfcErrorBody, observeFetch, s256, sendProbe, type Probe } from './http.js';
import { expectError, expectNoStore, suiteProbes, type SuiteContext } from './context.js';
import type { Mount, Mounted } from './mount.js';
import { generatedRequests } from './generated-requests.js';
import { deviceGrantChecks } from './device-grant.js';
import { jwtClientAuthChecks } from './jwt-client-auth.js';
import { jwtBearerGrantChecks } from './jwt-bearer-grant.js';
import { tokenExchangeChecks } from './token-exchange.js';
import { passwordGrantChecks } from './password-grant.js';
import { senderConstraintChecks } from './sender-constraints.js';
import { requestObjectChecks } from './request-objects.js';

/**
 * Checks a server may leave out when it does not offer the feature (e.g. a server over a store that has no device
 * codes or client keys). Everything else always runs.
 */
export type ConformanceCheck = 'par' | 'dpop' | 'jar' | 'device' | 'private_key_jwt' | 'client_secret_jwt' | 'jwt_bearer' | 'token_exchange' | 'password' | 'generated';

export interface ConformanceOptions {
  /** Checks to skip (reported as skipped, never silently passed). Default: none. */
  readonly skip?: readonly ConformanceCheck[];
  /** Generated requests per endpoint (default 2000). */
  readonly generatedRuns?: number;
}

/**
 * The HTTP conformance suite: one body, parameterised by an adapter's `mount`. It runs over real HTTP with `fetch`
 * and compares every deterministic answer with what `server.handle` answers for the same request, so all adapters
 * agree with the core (and so with each other) on status, the headers that matter and the body.
 */
export const runHttpConformance = (name: string, mount: Mount, makeServer: () => Promise<ConformanceServer>, options: ConformanceOptions = {}): void => {
  const skipped = new Set(options.skip ?? []);
  describe(`${name}: HTTP conformance`, () => {
    let ctx: SuiteContext;
    let mounted: Mounted;
    beforeAll(async () => {
      const cs = await makeServer();
      mounted = await mount(cs.server);
      ctx = { server: cs.server, cs, baseUrl: mounted.baseUrl.replace(/\/$/, ''), origin: new URL(mounted.baseUrl).origin };
    });
    afterAll(async () => {
      await mounted?.close();
    });

    const routes = () => ctx.server.config.routes;
    const { http, same, tokenProbe } = suiteProbes(() => ctx);
    const confidentialAuth = () => basic(ctx.cs.seed.confidential.clientId, ctx.cs.seed.confidential.secret);

    /** Runs the front channel up to the code: authorize → interaction → `interactions.finish` → redirect with code. */
    const authorize = async (client: { readonly clientId: string; readonly redirectUri: string }, scope: string, verifier: string): Promise<string> => {
      const query = form({ response_type: 'code', client_id: client.clientId, redirect_uri: client.redirectUri, scope, state: 'st-123', code_challenge: await s256(verifier), code_challenge_method: 'S256' });
      const res = await sendProbe(ctx.baseUrl, { method: 'GET', path: routes().authorization, query });
      expect([302, 303]).toContain(res.status);
      const location = res.headers.get('location') ?? '';
      const id = /\/interaction\/([^/?#]+)/.exec(location)?.[1];
      expect(id, `interaction redirect, got ${location}`).toBeDefined();
      const finished = await ctx.server.interactions.finish(decodeURIComponent(id ?? ''), {
        subject: ctx.cs.seed.subject,
        scope: scope.split(' '),
        authTime: Math.floor(Date.now() / 1000),
      });
      expect(finished._tag).toBe('Redirect');
      const back = new URL(finished._tag === 'Redirect' ? finished.location : 'invalid:');
      expect(`${back.origin}${back.pathname}`).toBe(client.redirectUri);
      expect(back.searchParams.get('state')).toBe('st-123');
      return back.searchParams.get('code') ?? '';
    };
    const codeGrant = (code: string, verifier: string, redirectUri = ctx.cs.seed.confidential.redirectUri) =>
      tokenProbe({ grant_type: 'authorization_code', code, redirect_uri: redirectUri, code_verifier: verifier }, confidentialAuth());

    describe('discovery', () => {
      it('serves every well-known document as the core does, advertising the configured endpoints', async () => {
        const wellKnown = ctx.server.routes.filter((r) => r.path.includes('.well-known'));
        expect(wellKnown.length).toBeGreaterThan(0);
        for (const route of wellKnown) {
          const o = await same({ method: 'GET', path: route.path });
          expect(o.status).toBe(200);
          const doc = o.body as Record<string, unknown>;
          expect(doc['issuer']).toBe(ctx.server.config.issuer);
          expect(doc['token_endpoint']).toBe(`${ctx.server.config.baseUrl}${routes().token}`);
        }
      });
    });

    describe('authorization code + PKCE', () => {
      it('issues tokens for a code with the right verifier (no-store, pragma no-cache)', async () => {
        const verifier = 'v'.repeat(20) + 'conformance-verifier-0123456789';
        const code = await authorize(ctx.cs.seed.confidential, 'openid offline_access read', verifier);
        const o = await http(codeGrant(code, verifier));
        expect(o.status).toBe(200);
        expectNoStore(o);
        const body = o.body as Record<string, unknown>;
        expect(typeof body['access_token']).toBe('string');
        expect(String(body['token_type']).toLowerCase()).toBe('bearer');
        expect(typeof body['expires_in']).toBe('number');
      });

      it('refuses a replayed code, a wrong verifier and a redirect_uri mismatch with invalid_grant', async () => {
        const verifier = 'w'.repeat(43);
        const code = await authorize(ctx.cs.seed.confidential, 'read', verifier);
        expect((await http(codeGrant(code, verifier))).status).toBe(200);
        const replay = await http(codeGrant(code, verifier));
        expectError(replay, 400, 'invalid_grant');
        expectNoStore(replay);
        const code2 = await authorize(ctx.cs.seed.confidential, 'read', verifier);
        expectError(await http(codeGrant(code2, 'x'.repeat(43))), 400, 'invalid_grant');
        const code3 = await authorize(ctx.cs.seed.confidential, 'read', verifier);
        expectError(await http(codeGrant(code3, verifier, 'https://client.example/other')), 400, 'invalid_grant');
      });

      it('serves a public client with PKCE and no secret', async () => {
        const verifier = 'p'.repeat(50);
        const client = ctx.cs.seed.publicClient;
        const code = await authorize(client, 'read', verifier);
        const o = await http(tokenProbe({ grant_type: 'authorization_code', code, redirect_uri: client.redirectUri, code_verifier: verifier, client_id: client.clientId }));
        expect(o.status).toBe(200);
        expectNoStore(o);
      });
    });

    describe('client credentials', () => {
      it('issues an access token (Basic and post authentication), without a refresh token', async () => {
        const viaBasic = await http(tokenProbe({ grant_type: 'client_credentials', scope: 'read' }, confidentialAuth()));
        expect(viaBasic.status).toBe(200);
        expectNoStore(viaBasic);
        expect((viaBasic.body as Record<string, unknown>)['refresh_token']).toBeUndefined();
        const { clientId, secret } = ctx.cs.seed.postClient;
        const viaPost = await http(tokenProbe({ grant_type: 'client_credentials', scope: 'write', client_id: clientId, client_secret: secret }));
        expect(viaPost.status).toBe(200);
      });
    });

    describe('device authorization (RFC 8628)', () => {
      it.skipIf(skipped.has('device'))('issues device and user codes (no-store); the first poll is authorization_pending', async () => {
        const o = await http({ method: 'POST', path: routes().deviceAuthorization, headers: { ...formHeaders, authorization: confidentialAuth() }, body: form({ scope: 'read' }) });
        expect(o.status).toBe(200);
        expectNoStore(o);
        const body = o.body as Record<string, unknown>;
        expect(typeof body['device_code']).toBe('string');
        expect(typeof body['user_code']).toBe('string');
        expect(body['verification_uri']).toBe(ctx.server.config.deviceFlow.verificationUri);
        const poll = await http(tokenProbe({ grant_type: 'urn:ietf:params:oauth:grant-type:device_code', device_code: String(body['device_code']) }, confidentialAuth()));
        expectError(poll, 400, 'authorization_pending');
        expectNoStore(poll);
      });
    });

    describe('refresh tokens', () => {
      it('rotates, and a reused token revokes the family (RFC 9700 §4.14.2)', async () => {
        const verifier = 'r'.repeat(43);
        const code = await authorize(ctx.cs.seed.confidential, 'openid offline_access read', verifier);
        const first = (await http(codeGrant(code, verifier))).body as Record<string, unknown>;
        const r1 = first['refresh_token'];
        expect(typeof r1, 'a refresh token for a client with the refresh_token grant and offline_access').toBe('string');
        const rotated = await http(tokenProbe({ grant_type: 'refresh_token', refresh_token: String(r1) }, confidentialAuth()));
        expect(rotated.status).toBe(200);
        expectNoStore(rotated);
        const r2 = (rotated.body as Record<string, unknown>)['refresh_token'];
        expect(typeof r2).toBe('string');
        expect(r2).not.toBe(r1);
        expectError(await http(tokenProbe({ grant_type: 'refresh_token', refresh_token: String(r1) }, confidentialAuth())), 400, 'invalid_grant');
        expectError(await http(tokenProbe({ grant_type: 'refresh_token', refresh_token: String(r2) }, confidentialAuth())), 400, 'invalid_grant');
      });
    });

    describe('bearer middleware', () => {
      const accessToken = async (scope: string) => {
        const o = await http(tokenProbe({ grant_type: 'client_credentials', scope }, confidentialAuth()));
        return String((o.body as Record<string, unknown>)['access_token']);
      };
      const get = (path: string, headers: Record<string, string> = {}) =>
        fetch(`${ctx.origin}${path}`, { headers, signal: AbortSignal.timeout(15_000) }).then(observeFetch);

      it('accepts a token with the required scope and exposes what it grants', async () => {
        const o = await get(conformanceProtected.path, { authorization: `Bearer ${await accessToken('read write')}` });
        expect(o.status).toBe(200);
        expect(o.body).toEqual({ client_id: ctx.cs.seed.confidential.clientId, subject: null, scope: ['read', 'write'] });
      });

      it('rejects per RFC 6750 §3: no token, an invalid token, a missing scope, a query token unless allowed', async () => {
        const none = await get(conformanceProtected.path);
        expect(none.status).toBe(401);
        expect(none.headers['www-authenticate']).toMatch(/^Bearer/);
        const invalid = await get(conformanceProtected.path, { authorization: 'Bearer not-a-token' });
        expect(invalid.status).toBe(401);
        expect(invalid.headers['www-authenticate']).toMatch(/error="invalid_token"/);
        const narrow = await get(conformanceProtected.path, { authorization: `Bearer ${await accessToken('write')}` });
        expect(narrow.status).toBe(403);
        expect(narrow.headers['www-authenticate']).toMatch(/error="insufficient_scope"/);
        const token = await accessToken('read');
        expect((await get(`${conformanceProtected.path}?access_token=${token}`)).status).toBe(401);
        expect((await get(`${conformanceProtected.queryPath}?access_token=${token}`)).status).toBe(200);
      });
    });

    describe('negative cases (identical to the core)', () => {
      it('unknown client and wrong secret: 401 invalid_client with WWW-Authenticate', async () => {
        for (const auth of [basic('nobody', 'x'), basic(ctx.cs.seed.confidential.clientId, 'wrong')]) {
          const o = await same(tokenProbe({ grant_type: 'client_credentials' }, auth));
          expectError(o, 401, 'invalid_client');
          expect(o.headers['www-authenticate']).toMatch(/^Basic/);
          expectNoStore(o);
        }
      });

      it('unsupported grant type, repeated parameter, JSON body', async () => {
        expectError(await same(tokenProbe({ grant_type: 'urn:example:nope' }, confidentialAuth())), 400, 'unsupported_grant_type');
        expectError(await same(tokenProbe([['grant_type', 'client_credentials'], ['grant_type', 'client_credentials']], confidentialAuth())), 400, 'invalid_request');
        const json = await same({ method: 'POST', path: routes().token, headers: { 'content-type': 'application/json', authorization: confidentialAuth() }, body: '{"grant_type":"client_credentials"}' });
        expect(json.status).toBeGreaterThanOrEqual(400);
        expect(isRfcErrorBody(json.body)).toBe(true);
      });

      it('authorization errors: redirected to a verified client (RFC 6749 §4.1.2.1), else shown, never redirected', async () => {
        const { clientId, redirectUri } = ctx.cs.seed.confidential;
        const redirected = await same({ method: 'GET', path: routes().authorization, query: form({ response_type: 'token', client_id: clientId, redirect_uri: redirectUri, state: 's1' }) });
        expect([302, 303]).toContain(redirected.status);
        const location = new URL(redirected.headers['location'] ?? 'invalid:');
        expect(`${location.origin}${location.pathname}`).toBe(redirectUri);
        expect(location.searchParams.get('state')).toBe('s1');
        expect(location.searchParams.get('error')).toBe('unsupported_response_type');
        for (const query of [form({ response_type: 'code', client_id: 'nobody', redirect_uri: redirectUri }), form({ response_type: 'code', client_id: clientId, redirect_uri: 'https://evil.example/cb' })]) {
          const shown = await same({ method: 'GET', path: routes().authorization, query });
          expect(shown.status).toBeGreaterThanOrEqual(400);
          expect(shown.headers['location']).toBeNull();
        }
      });

      it('introspection, revocation and userinfo answer unknown tokens as the core does', async () => {
        const auth = { ...formHeaders, authorization: confidentialAuth() };
        const r = routes();
        expect(ctx.server.matches(r.introspection) && ctx.server.matches(r.revocation) && ctx.server.matches(r.userinfo)).toBe(true);
        const introspected = await same({ method: 'POST', path: r.introspection, headers: auth, body: form({ token: 'no-such-token' }) });
        expect({ status: introspected.status, body: introspected.body }).toEqual({ status: 200, body: { active: false } });
        expect((await same({ method: 'POST', path: r.revocation, headers: auth, body: form({ token: 'no-such-token' }) })).status).toBe(200);
        const userinfo = await same({ method: 'GET', path: r.userinfo, headers: { authorization: 'Bearer no-such-token' } });
        expect(userinfo.status).toBe(401);
        expect(userinfo.headers['www-authenticate']).toMatch(/^Bearer/);
      });

      it('control characters (NUL, LF, DEL) in client_id, state, nonce or a secret: invalid_request before any store (RFC 6749 Appendix A)', async () => {
        const { clientId, redirectUri, secret } = ctx.cs.seed.confidential;
        const r = routes();
        for (const bad of ['\u0000', 'a\u0000b', '\n', '\u007f']) {
          expectError(await same(tokenProbe({ grant_type: 'client_credentials', client_id: `${clientId}${bad}`, client_secret: secret })), 400, 'invalid_request');
          expectError(await same(tokenProbe({ grant_type: 'client_credentials', scope: `read${bad}` }, confidentialAuth())), 400, 'invalid_request');
          expectError(await same({ method: 'POST', path: r.introspection, headers: { ...formHeaders, authorization: confidentialAuth() }, body: form({ token: `t${bad}` }) }), 400, 'invalid_request');
          const query = form({ response_type: 'code', client_id: clientId, redirect_uri: redirectUri, scope: 'openid', state: `s${bad}`, nonce: `n${bad}`, code_challenge: 'x'.repeat(43), code_challenge_method: 'S256' });
          const shown = await same({ method: 'GET', path: r.authorization, query });
          expect(shown.status).toBe(400);
          expect(shown.headers['location']).toBeNull();
        }
        const basicWithNul = `Basic ${btoa(`${encodeURIComponent(clientId)}:${encodeURIComponent(secret)}%00`)}`;
        const viaBasic = await same(tokenProbe({ grant_type: 'client_credentials' }, basicWithNul));
        expect([400, 401]).toContain(viaBasic.status);
        expect(isRfcErrorBody(viaBasic.body)).toBe(true);
      });

      it('an unknown code, an unknown refresh token: invalid_grant', async () => {
        expectError(await same(codeGrant('no-such-code', 'a'.repeat(43))), 400, 'invalid_grant');
        expectError(await same(tokenProbe({ grant_type: 'refresh_token', refresh_token: 'no-such-token' }, confidentialAuth())), 400, 'invalid_grant');
      });
    });

    describe('malformed HTTP', () => {
      it('wrong method: 405 with Allow, from the core', async () => {
        const o = await same({ method: 'GET', path: routes().token });
        expect(o.status).toBe(405);
        expect(o.headers['allow']).toMatch(/POST/);
        expect(isRfcErrorBody(o.body)).toBe(true);
        expect((await same({ method: 'DELETE', path: routes().token })).status).toBe(405);
      });

      it('unsupported content type, invalid UTF-8, broken Basic header, missing body: as the core answers, RFC-shaped', async () => {
        const probes: Probe[] = [
          { method: 'POST', path: routes().token, headers: { 'content-type': 'text/plain', authorization: confidentialAuth() }, body: 'grant_type=client_credentials' },
          { method: 'POST', path: routes().token, headers: { ...formHeaders, authorization: confidentialAuth() }, body: new Uint8Array([...new TextEncoder().encode('grant_type=client_credentials&scope='), 0xff, 0xfe]) },
          { method: 'POST', path: routes().token, headers: { ...formHeaders, authorization: 'Basic !!!not-base64' }, body: 'grant_type=client_credentials' },
          { method: 'POST', path: routes().token, headers: { ...formHeaders, authorization: `Basic ${btoa('no-colon')}` }, body: 'grant_type=client_credentials' },
          { method: 'POST', path: routes().token, headers: { authorization: confidentialAuth() } },
          { method: 'POST', path: routes().token, headers: { ...formHeaders, authorization: confidentialAuth() }, body: '' },
        ];
        for (const p of probes) {
          const o = await same(p);
          expect(o.status).toBeGreaterThanOrEqual(400);
          expect(o.status).toBeLessThan(500);
          expect(isRfcErrorBody(o.body)).toBe(true);
          expectNoStore(o);
        }
      });

      it('an oversized body: 413 with an RFC-shaped body, and the server keeps serving', async () => {
        const o = await http({ method: 'POST', path: routes().token, headers: { ...formHeaders, authorization: confidentialAuth() }, body: `grant_type=client_credentials&x=${'a'.repeat(70 * 1024)}` });
        expectError(o, 413, 'invalid_request');
        expect((await http({ method: 'GET', path: routes().token })).status).toBe(405);
      });
    });

    describe.skipIf(skipped.has('device'))('device grant', () => deviceGrantChecks(() => ctx));
    describe.skipIf(skipped.has('private_key_jwt') || skipped.has('client_secret_jwt'))('JWT client authentication', () => jwtClientAuthChecks(() => ctx));
    describe.skipIf(skipped.has('jwt_bearer'))('JWT bearer grant', () => jwtBearerGrantChecks(() => ctx));
    describe.skipIf(skipped.has('token_exchange'))('token exchange', () => tokenExchangeChecks(() => ctx));
    describe.skipIf(skipped.has('password'))('password grant', () => passwordGrantChecks(() => ctx));
    describe.skipIf(skipped.has('par') || skipped.has('dpop'))('pushed requests and DPoP', () => senderConstraintChecks(() => ctx));
    describe.skipIf(skipped.has('jar') || skipped.has('par') || skipped.has('private_key_jwt'))('request objects', () => requestObjectChecks(() => ctx));

    if (!skipped.has('generated')) generatedRequests(() => ctx, options.generatedRuns ?? 2000);
  });
};
