/**
 * `profile: 'fapi2'`: the FAPI 2.0 Security Profile §5.3.2 (requirements for authorization servers) as one setting.
 * Each test names the requirement it proves; `packages/core/docs/fapi2.md` points here.
 */
import { describe, expect, it } from 'vitest';
import { calculateJwkThumbprint, exportJWK, generateKeyPair, SignJWT, type CryptoKey, type JWK } from 'jose';
import { httpRequest } from '../http/http-request.js';
import type { HttpResponse } from '../http/http-response.js';
import { base64Encode, utf8Encode } from '../http/encoding.js';
import type { SecretHasher } from '../ports/runtime.js';
import type { PublicJwk } from '../domain/client.js';
import { memoryAuthorizationCodes, memoryClients, memoryConsents, memoryDeviceCodes, memoryInteractions, memoryPushedRequests, publicClient, testClock, testLogger, testRandom, webClient } from '../test/fake-ports.js';
import { memoryAccessTokens, memoryRefreshTokens, memoryReplay } from '../test/token-fakes.js';
import { formEncode, splitUrl, utf8 } from '../test/http-helpers.js';
import { createAuthorizationServer } from './create-authorization-server.js';
import { decodeServerConfig, type ServerConfigInput } from '../codec/config.js';

const issuer = 'https://as.example.test';
const start = 1_800_000_000;
const redirectUri = 'https://rp.example.test/cb';
const verifier = 'v'.repeat(50);

/** A deterministic 43-character stand-in for SHA-256 (PKCE and stored hashes only need equality here). */
const toyHash = (value: string): string => {
  const alphabet = 'ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789-_';
  let h = 2166136261;
  let out = '';
  for (let i = 0; i < 43; i++) {
    for (const ch of `${i}:${value}`) h = Math.imul(h ^ ch.charCodeAt(0), 16777619) >>> 0;
    out += alphabet[h % 64];
  }
  return out;
};
const secrets: SecretHasher = { hash: toyHash, verify: (p, e) => toyHash(p) === e };

interface Key {
  readonly privateKey: CryptoKey;
  readonly jwk: JWK;
  readonly jkt: string;
}
const key = async (): Promise<Key> => {
  const { privateKey, publicKey } = await generateKeyPair('ES256');
  const jwk = await exportJWK(publicKey);
  return { privateKey, jwk, jkt: await calculateJwkThumbprint(jwk, 'sha256') };
};
const clientKey = await key();
const dpopKey = await key();
let counter = 0;

/** RFC 7523 §3 client assertion of `fapi` (aud = the issuer). */
const assertion = () =>
  new SignJWT({ jti: `a-${++counter}` })
    .setProtectedHeader({ alg: 'ES256', kid: 'fapi-1' })
    .setIssuer('fapi')
    .setSubject('fapi')
    .setAudience(issuer)
    .setIssuedAt(start)
    .setExpirationTime(start + 60)
    .sign(clientKey.privateKey);
const proof = (htu: string) =>
  new SignJWT({ htm: 'POST', htu, jti: `p-${++counter}`, iat: start }).setProtectedHeader({ alg: 'ES256', typ: 'dpop+jwt', jwk: dpopKey.jwk }).sign(dpopKey.privateKey);

const setup = (config: Omit<ServerConfigInput, 'issuer'> = {}) => {
  const authorizationCodes = memoryAuthorizationCodes();
  const ports = {
    clock: testClock(start),
    random: testRandom(),
    secrets,
    logger: testLogger(),
    clients: memoryClients([
      webClient({ clientId: 'fapi', secretHashes: [], tokenEndpointAuthMethod: 'private_key_jwt', jwks: { keys: [{ ...clientKey.jwk, kid: 'fapi-1', alg: 'ES256' } as PublicJwk] }, lifetimes: { authorizationCode: 600 } }),
      webClient({ secretHashes: [{ hash: toyHash('secret') }] }),
      publicClient(),
    ]),
    accessTokens: memoryAccessTokens(),
    refreshTokens: memoryRefreshTokens(),
    authorizationCodes,
    replay: memoryReplay(),
    interactions: memoryInteractions(),
    consents: memoryConsents(),
    deviceCodes: memoryDeviceCodes(),
    pushedRequests: memoryPushedRequests(),
  };
  const server = createAuthorizationServer({ issuer, profile: 'fapi2', ...config }, ports);
  const post = (path: string, form: Record<string, string>, headers: Record<string, string> = {}) =>
    server.handle(httpRequest({ method: 'POST', path, headers: { 'content-type': 'application/x-www-form-urlencoded', ...headers }, body: utf8(formEncode(form)) }));
  const authorize = (query: Record<string, string>) => server.handle(httpRequest({ method: 'GET', path: '/authorize', query: formEncode(query) }));
  const authenticated = async () => ({ client_assertion_type: 'urn:ietf:params:oauth:client-assertion-type:jwt-bearer', client_assertion: await assertion() });
  return { server, post, authorize, authenticated, authorizationCodes };
};

const request = { response_type: 'code', redirect_uri: redirectUri, scope: 'openid', state: 'st', code_challenge: toyHash(verifier), code_challenge_method: 'S256' };
const body = (r: HttpResponse): Record<string, unknown> => (r._tag === 'Json' ? (r.body as Record<string, unknown>) : {});
const basic = { authorization: `Basic ${base64Encode(utf8Encode('web:secret'))}` };

/** Push, authorize, approve: the authorization response's parameters. */
const flow = async (s: ReturnType<typeof setup>) => {
  const pushed = await s.post('/par', { ...request, ...(await s.authenticated()) });
  expect(pushed).toMatchObject({ status: 201 });
  const started = await s.authorize({ client_id: 'fapi', request_uri: String(body(pushed)['request_uri']) });
  const id = started._tag === 'Redirect' ? started.location.replace('/interaction/', '') : '';
  const done = await s.server.interactions.finish(id, { subject: 'alice', scope: ['openid'], authTime: start });
  return splitUrl(done._tag === 'Redirect' ? done.location : '').params;
};

describe('profile fapi2: startup (FAPI 2.0 Security Profile §5.3.2)', () => {
  it('a setting that contradicts the profile is refused at startup, naming the setting', () => {
    const refused = (input: Omit<ServerConfigInput, 'issuer'>, field: string) =>
      expect(() => decodeServerConfig({ issuer, profile: 'fapi2', ...input })).toThrow(new RegExp(`Invalid server config: ${field.replace('.', '\\.')} .*fapi2`));
    refused({ par: { required: false } }, 'par.required');
    refused({ pkce: { requiredFor: 'public' } }, 'pkce.requiredFor');
    refused({ pkce: { allowPlain: true } }, 'pkce.allowPlain');
    refused({ dpop: { required: false } }, 'dpop.required');
    refused({ lifetimes: { authorizationCode: 61 } }, 'lifetimes.authorizationCode');
    refused({ refreshTokens: { reuseGraceSeconds: 5 } }, 'refreshTokens.reuseGraceSeconds');
    refused({ refreshTokens: { reuseGraceSeconds: { public: 10 } } }, 'refreshTokens.reuseGraceSeconds');
    refused({ grantTypes: ['authorization_code', 'password'] }, 'grantTypes');
    expect(() => decodeServerConfig({ issuer, profile: 'fapi3' as never })).toThrow(/profile/);
  });

  it('the profile fills its settings: PAR required, PKCE for all without plain, DPoP required, code lifetime ≤ 60 s, no refresh grace', () => {
    const config = decodeServerConfig({ issuer, profile: 'fapi2', lifetimes: { authorizationCode: 30 } });
    expect(config).toMatchObject({
      profile: 'fapi2',
      par: { required: true },
      pkce: { requiredFor: 'all', allowPlain: false },
      dpop: { required: true },
      lifetimes: { authorizationCode: 30 },
      refreshTokens: { reuseGraceSeconds: { public: 0, confidential: 0 } },
    });
    expect(decodeServerConfig({ issuer }).profile).toBe('default');
  });

  it('discovery advertises PAR as required, private_key_jwt only, S256 only, code only, iss in responses', async () => {
    const { server } = setup();
    const r = await server.handle(httpRequest({ method: 'GET', path: '/.well-known/oauth-authorization-server' }));
    expect(body(r)).toMatchObject({
      require_pushed_authorization_requests: true,
      token_endpoint_auth_methods_supported: ['private_key_jwt'],
      code_challenge_methods_supported: ['S256'],
      response_types_supported: ['code'],
      authorization_response_iss_parameter_supported: true,
    });
  });
});

describe('profile fapi2: requests (FAPI 2.0 Security Profile §5.3.2)', () => {
  it('§5.3.2.2: an authorization request without PAR is refused', async () => {
    const { authorize } = setup();
    const r = await authorize({ ...request, client_id: 'fapi' });
    expect(r).toMatchObject({ _tag: 'Html', status: 400 });
  });

  it('§5.3.2.1: only confidential clients with private_key_jwt: client_secret_basic and public clients get invalid_client', async () => {
    const s = setup();
    expect(await s.post('/par', request, basic)).toMatchObject({ status: 401, body: { error: 'invalid_client' } });
    expect(await s.post('/par', { ...request, client_id: 'spa', redirect_uri: 'https://spa.example.test/cb' })).toMatchObject({ status: 401, body: { error: 'invalid_client' } });
    expect(await s.post('/token', { grant_type: 'client_credentials' }, basic)).toMatchObject({ status: 401, body: { error: 'invalid_client' } });
    expect(await s.post('/par', { ...request, ...(await s.authenticated()) })).toMatchObject({ status: 201 });
  });

  it('§5.3.2.2: PKCE with S256 is required of confidential clients too; redirect_uri must be pushed', async () => {
    const s = setup();
    const { code_challenge: _c, code_challenge_method: _m, ...withoutPkce } = request;
    expect(await s.post('/par', { ...withoutPkce, ...(await s.authenticated()) })).toMatchObject({ status: 400, body: { error: 'invalid_request' } });
    const { redirect_uri: _r, ...withoutRedirect } = request;
    expect(await s.post('/par', { ...withoutRedirect, ...(await s.authenticated()) })).toMatchObject({ status: 400, body: { error: 'invalid_request' } });
  });

  it('§5.3.2.1: response_type other than code is refused', async () => {
    const s = setup();
    expect(await s.post('/par', { ...request, response_type: 'token', ...(await s.authenticated()) })).toMatchObject({ status: 400, body: { error: 'unsupported_response_type' } });
  });

  it('§5.3.2.2: the authorization response carries iss (RFC 9207); §5.3.2.1: the code lives at most 60 s, whatever the client says', async () => {
    const s = setup();
    const params = await flow(s);
    expect(params).toMatchObject({ iss: issuer, state: 'st' });
    const [code] = [...s.authorizationCodes.all.values()];
    expect((code?.expiresAt ?? 0) - (code?.issuedAt ?? 0)).toBeLessThanOrEqual(60);
  });

  it('§5.3.2.1: access tokens are sender-constrained: a token request without a DPoP proof is refused, with one the token is DPoP-bound', async () => {
    const s = setup();
    const params = await flow(s);
    const form = { grant_type: 'authorization_code', code: params['code'] ?? '', redirect_uri: redirectUri, code_verifier: verifier };
    expect(await s.post('/token', { ...form, ...(await s.authenticated()) })).toMatchObject({ status: 400, body: { error: 'invalid_dpop_proof' } });
    const again = await flow(s);
    const issued = await s.post('/token', { ...form, code: again['code'] ?? '', ...(await s.authenticated()) }, { dpop: await proof(`${issuer}/token`) });
    expect(issued).toMatchObject({ status: 200, body: { token_type: 'DPoP' } });
  });

  it('§5.3.2.1 (9): a confidential client\'s refresh token is not rotated: it keeps working, no new one is issued, the access token stays DPoP-bound', async () => {
    const s = setup();
    const params = await flow(s);
    const form = { grant_type: 'authorization_code', code: params['code'] ?? '', redirect_uri: redirectUri, code_verifier: verifier };
    const issued = await s.post('/token', { ...form, ...(await s.authenticated()) }, { dpop: await proof(`${issuer}/token`) });
    const refreshToken = body(issued)['refresh_token'];
    expect(typeof refreshToken).toBe('string');
    const refresh = async () => s.post('/token', { grant_type: 'refresh_token', refresh_token: String(refreshToken), ...(await s.authenticated()) }, { dpop: await proof(`${issuer}/token`) });
    const first = await refresh();
    const second = await refresh();
    for (const r of [first, second]) {
      expect(r).toMatchObject({ status: 200, body: { token_type: 'DPoP' } });
      expect(body(r)['refresh_token']).toBeUndefined();
    }
    expect(body(first)['access_token']).not.toBe(body(second)['access_token']);
    // still sender-constrained: without a proof nothing is issued
    expect(await s.post('/token', { grant_type: 'refresh_token', refresh_token: String(refreshToken), ...(await s.authenticated()) })).toMatchObject({ status: 400, body: { error: 'invalid_dpop_proof' } });
  });
});
