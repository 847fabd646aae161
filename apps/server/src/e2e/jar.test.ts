import { randomBytes } from 'node:crypto';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import * as oauth from 'oauth4webapi';
import { exportJWK, generateKeyPair, SignJWT, type CryptoKey } from 'jose';
import { createBrowser } from './browser.js';
import { asMetadata, authorize } from './flows.js';
import { startServer, type Running } from './harness.js';
import { makeSeed, type SeedFixture } from './fixtures.js';

const insecure = { [oauth.allowInsecureRequests]: true } as const;

/**
 * RFC 9101 (JAR) end to end with oauth4webapi: request objects signed with the client's registered key, pushed
 * (RFC 9126 §3) and sent by value at the authorization endpoint; `none`, a stranger's key and query parameters that
 * try to override the object get no code.
 */
describe('JAR with oauth4webapi (end to end)', () => {
  let server: Running;
  let f: SeedFixture;
  let as: oauth.AuthorizationServer;
  let key: CryptoKey;
  const clientId = `jar-${randomBytes(4).toString('hex')}`;
  const kid = 'jar-key-1';
  const redirectUri = 'https://jar-rp.example.test/cb';
  const c: oauth.Client = { client_id: clientId };

  beforeAll(async () => {
    f = await makeSeed();
    const pair = await generateKeyPair('ES256');
    key = pair.privateKey;
    const jarClient = {
      client_id: clientId, client_name: 'JAR RP', redirect_uris: [redirectUri], grant_types: ['authorization_code'], response_types: ['code'],
      scope: 'openid profile', token_endpoint_auth_method: 'private_key_jwt',
      jwks: { keys: [{ ...(await exportJWK(pair.publicKey)), kid, alg: 'ES256', use: 'sig' }] },
    };
    server = await startServer({ ...f.seed, clients: [...f.seed.clients, jarClient] });
    as = await asMetadata(server.issuer);
  });
  afterAll(async () => {
    await server?.stop('SIGTERM');
  });

  const requestParams = async (state: string, verifier: string) => ({
    client_id: clientId, response_type: 'code', redirect_uri: redirectUri, scope: 'openid profile', state,
    code_challenge: await oauth.calculatePKCECodeChallenge(verifier), code_challenge_method: 'S256',
  });
  const redeem = async (callback: URL, state: string, verifier: string) => {
    const auth = oauth.PrivateKeyJwt({ key, kid });
    const params = oauth.validateAuthResponse(as, c, callback, state);
    return oauth.processAuthorizationCodeResponse(as, c, await oauth.authorizationCodeGrantRequest(as, c, auth, params, redirectUri, verifier, insecure), { expectedNonce: oauth.expectNoNonce });
  };
  /** The authorization endpoint's answer to a request that must not produce a code (an error page or an error redirect). */
  const expectNoCode = async (url: URL): Promise<string> => {
    const page = await createBrowser([new URL(server.issuer).origin]).get(url.toString());
    const location = page.headers.get('location');
    if (location === null) {
      expect(page.status).toBeGreaterThanOrEqual(400);
      return page.body;
    }
    const back = new URL(location, server.issuer);
    expect(back.origin).not.toBe(new URL(server.issuer).origin);
    expect(back.searchParams.get('code')).toBeNull();
    return back.searchParams.get('error') ?? '';
  };

  it('discovery advertises request objects and their signing algorithms', () => {
    expect(as.request_parameter_supported).toBe(true);
    expect(as.request_object_signing_alg_values_supported).toContain('ES256');
    expect(as.request_object_signing_alg_values_supported).not.toContain('none');
  });

  it('a signed request object in a PAR push: the pushed object is the request, tokens follow', async () => {
    const verifier = oauth.generateRandomCodeVerifier();
    const state = oauth.generateRandomState();
    const request = await oauth.issueRequestObject(as, c, await requestParams(state, verifier), { key, kid });
    const pushed = await oauth.processPushedAuthorizationResponse(
      as,
      c,
      await oauth.pushedAuthorizationRequest(as, c, oauth.PrivateKeyJwt({ key, kid }), { request }, insecure),
    );
    const url = new URL(as.authorization_endpoint!);
    url.searchParams.set('client_id', clientId);
    url.searchParams.set('request_uri', pushed.request_uri);
    const { callback } = await authorize(server.issuer, url, f.user);
    const tokens = await redeem(callback, state, verifier);
    expect(tokens.access_token).toEqual(expect.any(String));
  });

  it('a signed request object by value at /authorize; query parameters do not override the object (RFC 9101 §6.3)', async () => {
    const verifier = oauth.generateRandomCodeVerifier();
    const state = oauth.generateRandomState();
    const request = await oauth.issueRequestObject(as, c, await requestParams(state, verifier), { key, kid });
    const url = new URL(as.authorization_endpoint!);
    url.searchParams.set('client_id', clientId);
    url.searchParams.set('request', request);
    url.searchParams.set('state', 'from-the-query');
    url.searchParams.set('redirect_uri', f.web.redirectUri);
    url.searchParams.set('scope', 'openid profile email');
    const { callback } = await authorize(server.issuer, url, f.user);
    expect(`${callback.origin}${callback.pathname}`).toBe(redirectUri);
    expect(callback.searchParams.get('state')).toBe(state);
    const tokens = await redeem(callback, state, verifier);
    expect(tokens.scope?.split(' ').sort()).toEqual(['openid', 'profile']);
  });

  it('an unsigned (alg none) object, one signed by another key, or one for another audience gets no code', async () => {
    const verifier = oauth.generateRandomCodeVerifier();
    const params = await requestParams('s-neg', verifier);
    const now = Math.floor(Date.now() / 1000);
    const claims = { ...params, iss: clientId, aud: server.issuer, iat: now, exp: now + 120, jti: randomBytes(8).toString('hex') };
    const b64 = (o: unknown) => Buffer.from(JSON.stringify(o)).toString('base64url');
    const unsigned = `${b64({ alg: 'none', typ: 'oauth-authz-req+jwt' })}.${b64(claims)}.`;
    const stranger = await generateKeyPair('ES256');
    const foreign = await new SignJWT({ ...claims, jti: randomBytes(8).toString('hex') }).setProtectedHeader({ alg: 'ES256', kid, typ: 'oauth-authz-req+jwt' }).sign(stranger.privateKey);
    const elsewhere = await oauth.issueRequestObject({ ...as, issuer: 'https://other-as.example.test' }, c, params, { key, kid });
    for (const request of [unsigned, foreign, elsewhere]) {
      const url = new URL(as.authorization_endpoint!);
      url.searchParams.set('client_id', clientId);
      url.searchParams.set('request', request);
      expect(await expectNoCode(url)).toContain('invalid_request_object');
      // the same object pushed: 400 invalid_request_object, no request_uri
      const pushed = await oauth.pushedAuthorizationRequest(as, c, oauth.PrivateKeyJwt({ key, kid }), { request }, insecure);
      expect(pushed.status).toBe(400);
      expect(((await pushed.json()) as { error?: string }).error).toBe('invalid_request_object');
    }
  });
});
