import { randomBytes } from 'node:crypto';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import * as oauth from 'oauth4webapi';
import { exportJWK, generateKeyPair, type CryptoKey } from 'jose';
import { createBrowser } from './browser.js';
import { asMetadata, authorize } from './flows.js';
import { startServer, type Running } from './harness.js';
import { makeSeed, type SeedFixture } from './fixtures.js';

const insecure = { [oauth.allowInsecureRequests]: true } as const;

/**
 * PROFILE=fapi2 (FAPI 2.0 Security Profile §5.3.2) on the reference server, driven by oauth4webapi: discovery says
 * what the profile requires, a front-channel authorization request gets no code, and a confidential client with
 * `private_key_jwt` + PAR + PKCE S256 + DPoP gets a sender-constrained token that works at userinfo.
 */
describe('PROFILE=fapi2 (end to end)', () => {
  let server: Running;
  let f: SeedFixture;
  let key: CryptoKey;
  const clientId = `fapi-${randomBytes(4).toString('hex')}`;
  const kid = 'fapi-key-1';
  const redirectUri = 'https://fapi-rp.example.test/cb';

  beforeAll(async () => {
    f = await makeSeed();
    const pair = await generateKeyPair('ES256');
    key = pair.privateKey;
    const fapiClient = {
      client_id: clientId, client_name: 'FAPI RP', redirect_uris: [redirectUri], grant_types: ['authorization_code', 'refresh_token'],
      response_types: ['code'], scope: 'openid profile', token_endpoint_auth_method: 'private_key_jwt',
      jwks: { keys: [{ ...(await exportJWK(pair.publicKey)), kid, alg: 'ES256', use: 'sig' }] },
    };
    server = await startServer({ ...f.seed, clients: [...f.seed.clients, fapiClient] }, { PROFILE: 'fapi2' });
  });
  afterAll(async () => {
    await server?.stop('SIGTERM');
  });

  it('discovery advertises PAR as required, private_key_jwt only, DPoP algorithms and S256 only', async () => {
    const as = await asMetadata(server.issuer);
    expect(as.require_pushed_authorization_requests).toBe(true);
    expect(as.pushed_authorization_request_endpoint).toEqual(expect.stringContaining(server.issuer));
    expect(as.token_endpoint_auth_methods_supported).toEqual(['private_key_jwt']);
    expect(as.dpop_signing_alg_values_supported).toContain('ES256');
    expect(as.code_challenge_methods_supported).toEqual(['S256']);
    expect(as.authorization_response_iss_parameter_supported).toBe(true);
  });

  it('an authorization request sent in the front channel (no PAR) gets no code', async () => {
    const as = await asMetadata(server.issuer);
    const verifier = oauth.generateRandomCodeVerifier();
    const url = new URL(as.authorization_endpoint!);
    for (const [k, v] of Object.entries({
      client_id: clientId, response_type: 'code', redirect_uri: redirectUri, scope: 'openid', state: 'front-channel',
      code_challenge: await oauth.calculatePKCECodeChallenge(verifier), code_challenge_method: 'S256',
    })) url.searchParams.set(k, v);
    const page = await createBrowser([new URL(server.issuer).origin]).get(url.toString());
    // RFC 9126 §5: the request was not pushed, so its redirect_uri is not trusted: an error page, never a redirect.
    expect(page.status).toBe(400);
    expect(page.headers.get('location')).toBeNull();
    expect(page.body).toContain('invalid_request');
    expect(page.body).toMatch(/must push its authorization requests/);
  });

  it('private_key_jwt + PAR + PKCE S256 + DPoP: a DPoP-bound token that works at userinfo (and not as Bearer)', async () => {
    const as = await asMetadata(server.issuer);
    const c: oauth.Client = { client_id: clientId };
    const auth = oauth.PrivateKeyJwt({ key, kid });
    const DPoP = oauth.DPoP(c, await oauth.generateKeyPair('ES256'));
    const verifier = oauth.generateRandomCodeVerifier();
    const state = oauth.generateRandomState();
    const pushed = await oauth.processPushedAuthorizationResponse(
      as,
      c,
      await oauth.pushedAuthorizationRequest(
        as,
        c,
        auth,
        { response_type: 'code', redirect_uri: redirectUri, scope: 'openid profile', state, code_challenge: await oauth.calculatePKCECodeChallenge(verifier), code_challenge_method: 'S256' },
        { DPoP, ...insecure },
      ),
    );
    const url = new URL(as.authorization_endpoint!);
    url.searchParams.set('client_id', clientId);
    url.searchParams.set('request_uri', pushed.request_uri);
    const { callback } = await authorize(server.issuer, url, f.user);
    expect(callback.searchParams.get('iss')).toBe(server.issuer);
    const params = oauth.validateAuthResponse(as, c, callback, state);
    const tokens = await oauth.processAuthorizationCodeResponse(
      as,
      c,
      await oauth.authorizationCodeGrantRequest(as, c, auth, params, redirectUri, verifier, { DPoP, ...insecure }),
      { expectedNonce: oauth.expectNoNonce },
    );
    expect(tokens.token_type).toBe('dpop');
    const info = await oauth.processUserInfoResponse(as, c, f.user.sub, await oauth.userInfoRequest(as, c, tokens.access_token, { DPoP, ...insecure }));
    expect(info.sub).toBe(f.user.sub);
    const asBearer = await fetch(as.userinfo_endpoint!, { headers: { authorization: `Bearer ${tokens.access_token}` } });
    expect(asBearer.status).toBe(401);
  });

  it('a client_secret_basic client cannot obtain tokens under the profile', async () => {
    const res = await fetch((await asMetadata(server.issuer)).pushed_authorization_request_endpoint!, {
      method: 'POST',
      headers: { 'content-type': 'application/x-www-form-urlencoded', authorization: `Basic ${Buffer.from(`${f.web.id}:${f.web.secret}`).toString('base64')}` },
      body: new URLSearchParams({ response_type: 'code', redirect_uri: f.web.redirectUri, scope: 'openid', code_challenge: 'x'.repeat(43), code_challenge_method: 'S256' }).toString(),
    });
    expect(res.status).toBe(401);
    expect(((await res.json()) as { error?: string }).error).toBe('invalid_client');
  });
});
