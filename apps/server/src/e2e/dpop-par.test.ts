import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import * as oauth from 'oauth4webapi';
import { makeSeed, type SeedFixture } from './fixtures.js';
import { asMetadata, authorize } from './flows.js';
import { startServer, type Running } from './harness.js';

const insecure = { [oauth.allowInsecureRequests]: true } as const;

/** RFC 9126 and RFC 9449 end to end with oauth4webapi: a public client pushes, signs in, and holds DPoP-bound tokens. */
describe('PAR + DPoP with oauth4webapi (end to end)', () => {
  let server: Running;
  let f: SeedFixture;
  beforeAll(async () => {
    f = await makeSeed();
    server = await startServer(f.seed);
  });
  afterAll(async () => {
    await server?.stop('SIGTERM');
  });

  it('push → authorize with request_uri → DPoP code exchange → userinfo → refresh with the same key', async () => {
    const as = await asMetadata(server.issuer);
    expect(as.pushed_authorization_request_endpoint).toBeDefined();
    expect(as.dpop_signing_alg_values_supported).toContain('ES256');
    const c: oauth.Client = { client_id: f.spa.id };
    const auth = oauth.None();
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
        { response_type: 'code', redirect_uri: f.spa.redirectUri, scope: 'openid profile', state, code_challenge: await oauth.calculatePKCECodeChallenge(verifier), code_challenge_method: 'S256' },
        insecure,
      ),
    );
    expect(pushed.expires_in).toBeGreaterThan(0);
    const url = new URL(as.authorization_endpoint!);
    url.searchParams.set('client_id', c.client_id);
    url.searchParams.set('request_uri', pushed.request_uri);
    const { callback } = await authorize(server.issuer, url, f.user);
    const params = oauth.validateAuthResponse(as, c, callback, state);
    const tokens = await oauth.processAuthorizationCodeResponse(
      as,
      c,
      await oauth.authorizationCodeGrantRequest(as, c, auth, params, f.spa.redirectUri, verifier, { DPoP, ...insecure }),
      { expectedNonce: oauth.expectNoNonce },
    );
    expect(tokens.token_type).toBe('dpop');
    const info = await oauth.processUserInfoResponse(as, c, f.user.sub, await oauth.userInfoRequest(as, c, tokens.access_token, { DPoP, ...insecure }));
    expect(info.sub).toBe(f.user.sub);
    const refreshed = await oauth.processRefreshTokenResponse(as, c, await oauth.refreshTokenGrantRequest(as, c, auth, tokens.refresh_token!, { DPoP, ...insecure }));
    expect(refreshed.token_type).toBe('dpop');
    const otherKey = oauth.DPoP(c, await oauth.generateKeyPair('ES256'));
    await expect(
      oauth.processRefreshTokenResponse(as, c, await oauth.refreshTokenGrantRequest(as, c, auth, refreshed.refresh_token!, { DPoP: otherKey, ...insecure })),
    ).rejects.toThrow();
  });
});
