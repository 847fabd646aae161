import { randomUUID } from 'node:crypto';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { SignJWT, type CryptoKey } from 'jose';
import * as client from 'openid-client';
import * as oauth from 'oauth4webapi';
import { createBrowser, formsOf } from './browser.js';
import { makeSeed, type SeedFixture } from './fixtures.js';
import { asMetadata, basic, decide, discover, post, signIn } from './flows.js';
import { startServer, type Running } from './harness.js';

const insecure = { [oauth.allowInsecureRequests]: true } as const;
const sleep = (ms: number) => new Promise((r) => setTimeout(r, ms));

describe('client credentials, private_key_jwt, device flow (end to end)', () => {
  let server: Running;
  let f: SeedFixture;
  let as: oauth.AuthorizationServer;
  beforeAll(async () => {
    f = await makeSeed();
    server = await startServer(f.seed);
    as = await asMetadata(server.issuer);
  });
  afterAll(async () => {
    await server?.stop();
  });

  it('client_credentials: a confidential client gets an access token, never a refresh token; introspection and revocation', async () => {
    const machine = await discover(server.issuer, f.machine.id, client.ClientSecretBasic(f.machine.secret));
    const tokens = await client.clientCredentialsGrant(machine, { scope: 'api:read' });
    expect(tokens.access_token).toEqual(expect.any(String));
    expect(tokens.refresh_token).toBeUndefined();
    expect(tokens.scope).toBe('api:read');
    const c: oauth.Client = { client_id: f.machine.id };
    const auth = oauth.ClientSecretBasic(f.machine.secret);
    const info = await oauth.processIntrospectionResponse(as, c, await oauth.introspectionRequest(as, c, auth, tokens.access_token, insecure));
    expect(info).toMatchObject({ active: true, client_id: f.machine.id, scope: 'api:read' });
    expect(info.exp).toEqual(expect.any(Number));
    await oauth.processRevocationResponse(await oauth.revocationRequest(as, c, auth, tokens.access_token, insecure));
    const after = await oauth.processIntrospectionResponse(as, c, await oauth.introspectionRequest(as, c, auth, tokens.access_token, insecure));
    expect(after.active).toBe(false);
  });

  const assertion = (key: CryptoKey, kid: string, alg: 'ES256' | 'RS256', claims: { aud?: string; jti?: string } = {}) =>
    new SignJWT({ jti: claims.jti ?? randomUUID() })
      .setProtectedHeader({ alg, kid })
      .setIssuer(f.jwt.id)
      .setSubject(f.jwt.id)
      .setAudience(claims.aud ?? server.issuer)
      .setIssuedAt()
      .setExpirationTime('2m')
      .sign(key);
  const jwtToken = (jwt: string) =>
    post(as.token_endpoint!, new URLSearchParams({ grant_type: 'client_credentials', scope: 'api:read', client_id: f.jwt.id, client_assertion_type: 'urn:ietf:params:oauth:client-assertion-type:jwt-bearer', client_assertion: jwt }));

  it('private_key_jwt with ES256 and RS256 assertions (aud = issuer); a replayed jti and a wrong aud are refused', async () => {
    const es = await assertion(f.jwt.es256.key, f.jwt.es256.kid, 'ES256');
    const ok = await jwtToken(es);
    expect(ok.status).toBe(200);
    expect(ok.json?.['access_token']).toEqual(expect.any(String));
    const replay = await jwtToken(es);
    expect(replay.status).toBe(401);
    expect(replay.json?.['error']).toBe('invalid_client');
    const rs = await jwtToken(await assertion(f.jwt.rs256.key, f.jwt.rs256.kid, 'RS256'));
    expect(rs.status).toBe(200);
    const aud = await jwtToken(await assertion(f.jwt.es256.key, f.jwt.es256.kid, 'ES256', { aud: 'https://elsewhere.example.test' }));
    expect(aud.status).toBe(401);
    expect(aud.json?.['error']).toBe('invalid_client');
    // a secret is not how this client authenticates
    const secret = await post(as.token_endpoint!, 'grant_type=client_credentials', { authorization: basic(f.jwt.id, 'anything') });
    expect(secret.status).toBe(401);
  });

  it('private_key_jwt through openid-client', async () => {
    const config = await discover(server.issuer, f.jwt.id, client.PrivateKeyJwt({ key: f.jwt.es256.key, kid: f.jwt.es256.kid }));
    const tokens = await client.clientCredentialsGrant(config, { scope: 'api:read' });
    expect(tokens.access_token).toEqual(expect.any(String));
  });

  const deviceClient: () => oauth.Client = () => ({ client_id: f.device.id, token_endpoint_auth_method: 'none' });
  const startDevice = async () => {
    const res = await oauth.deviceAuthorizationRequest(as, deviceClient(), oauth.None(), { scope: 'openid profile' }, insecure);
    return oauth.processDeviceAuthorizationResponse(as, deviceClient(), res);
  };
  const poll = (deviceCode: string) => oauth.deviceCodeGrantRequest(as, deviceClient(), oauth.None(), deviceCode, insecure);

  const approveInBrowser = async (verificationUri: string, userCode: string, decision: 'approve' | 'deny') => {
    const b = createBrowser([new URL(server.issuer).origin]);
    const entry = await b.get(verificationUri);
    expect(entry.status).toBe(200);
    const form = formsOf(entry).find((x) => x.inputs.some((i) => i.name === 'user_code'))!;
    expect(form).toBeDefined();
    let page = await b.submit(form, { user_code: userCode });
    if (/name="password"/.test(page.body)) page = await signIn(b, page, f.user);
    const done = await decide(b, page, decision);
    expect(done.status).toBe(200);
    expect(formsOf(done)).toHaveLength(0);
    return b;
  };

  it('device flow: code entry, login, consent (always shown), tokens once; ID token for openid', async () => {
    const d = await startDevice();
    expect(d).toMatchObject({ device_code: expect.any(String), user_code: expect.any(String), verification_uri: expect.any(String), expires_in: expect.any(Number), interval: expect.any(Number) });
    expect(new URL(d.verification_uri).origin).toBe(new URL(server.issuer).origin);
    const b = await approveInBrowser(d.verification_uri, d.user_code, 'approve');
    const tokens = await oauth.processDeviceCodeResponse(as, deviceClient(), await poll(d.device_code));
    expect(tokens.access_token).toEqual(expect.any(String));
    expect(tokens.refresh_token).toEqual(expect.any(String));
    expect(oauth.getValidatedIdTokenClaims(tokens)?.sub).toBe(f.user.sub);
    // a poll `interval` seconds after the previous one is not too early
    await sleep((d.interval ?? 5) * 1000 + 50);
    const again = await poll(d.device_code);
    expect(again.status).toBe(400);
    expect(['invalid_grant', 'expired_token']).toContain(((await again.json()) as { error: string }).error);
    // a signed-in user still sees the consent page (device flow)
    const d2 = await startDevice();
    const complete = d2.verification_uri_complete ?? `${d2.verification_uri}?user_code=${encodeURIComponent(d2.user_code)}`;
    const entry = await b.get(complete);
    const page = await b.submit(formsOf(entry)[0]!, formsOf(entry)[0]!.fields['user_code'] === undefined ? { user_code: d2.user_code } : {});
    expect(page.body).toMatch(/value="approve"/);
  });

  it('device flow with openid-client polling at its own pace while the user approves', async () => {
    const config = await discover(server.issuer, f.device.id, client.None());
    const d = await client.initiateDeviceAuthorization(config, { scope: 'openid profile api:read' });
    const polling = client.pollDeviceAuthorizationGrant(config, d);
    await approveInBrowser(d.verification_uri, d.user_code, 'approve');
    const tokens = await polling;
    expect(tokens.claims()?.sub).toBe(f.user.sub);
    expect(tokens.scope?.split(' ').sort()).toEqual(['api:read', 'openid', 'profile']);
  });

  it('device flow: pending, then slow_down for a poll sooner than the interval; deny gives access_denied; wrong codes are refused', async () => {
    const d = await startDevice();
    const first = await poll(d.device_code);
    expect(((await first.json()) as { error: string }).error).toBe('authorization_pending');
    const second = await poll(d.device_code);
    expect(((await second.json()) as { error: string }).error).toBe('slow_down');
    const denied = await startDevice();
    await approveInBrowser(denied.verification_uri, denied.user_code, 'deny');
    const res = await poll(denied.device_code);
    expect(((await res.json()) as { error: string }).error).toBe('access_denied');
    const b = createBrowser([new URL(server.issuer).origin]);
    const entry = await b.get(d.verification_uri);
    const wrong = await b.submit(formsOf(entry)[0]!, { user_code: 'ZZZZ-ZZZZ' });
    expect(wrong.status).toBeGreaterThanOrEqual(400);
    expect(wrong.status).toBeLessThan(500);
    expect(wrong.body).not.toMatch(/value="approve"/);
  });
});
