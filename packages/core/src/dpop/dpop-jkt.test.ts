/** RFC 9449 §10: `dpop_jkt` at the authorization endpoint and a DPoP proof at PAR bind the authorization code. */
import { describe, expect, it } from 'vitest';
import { calculateJwkThumbprint, exportJWK, generateKeyPair, SignJWT, type CryptoKey, type JWK } from 'jose';
import { httpRequest } from '../http/http-request.js';
import type { HttpResponse } from '../http/http-response.js';
import type { SecretHasher } from '../ports/runtime.js';
import { memoryAuthorizationCodes, memoryClients, memoryConsents, memoryDeviceCodes, memoryInteractions, memoryPushedRequests, publicClient, testClock, testLogger, testRandom } from '../test/fake-ports.js';
import { memoryAccessTokens, memoryRefreshTokens, memoryReplay } from '../test/token-fakes.js';
import { formEncode, splitUrl, utf8 } from '../test/http-helpers.js';
import { createAuthorizationServer } from '../server/create-authorization-server.js';

const issuer = 'https://as.example.test';
const start = 1_800_000_000;
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
const verifier = 'v'.repeat(50);
const redirectUri = 'https://spa.example.test/cb';

interface Holder {
  readonly privateKey: CryptoKey;
  readonly jwk: JWK;
  readonly jkt: string;
}
const holder = async (): Promise<Holder> => {
  const { privateKey, publicKey } = await generateKeyPair('ES256');
  const jwk = await exportJWK(publicKey);
  return { privateKey, jwk, jkt: await calculateJwkThumbprint(jwk, 'sha256') };
};
let counter = 0;
const proof = (h: Holder, htu: string) =>
  new SignJWT({ htm: 'POST', htu, jti: `jkt-${++counter}`, iat: start }).setProtectedHeader({ alg: 'ES256', typ: 'dpop+jwt', jwk: h.jwk }).sign(h.privateKey);

const setup = () => {
  const ports = {
    clock: testClock(start),
    random: testRandom(),
    secrets,
    logger: testLogger(),
    clients: memoryClients([publicClient()]),
    accessTokens: memoryAccessTokens(),
    refreshTokens: memoryRefreshTokens(),
    authorizationCodes: memoryAuthorizationCodes(),
    replay: memoryReplay(),
    interactions: memoryInteractions(),
    consents: memoryConsents(),
    deviceCodes: memoryDeviceCodes(),
    pushedRequests: memoryPushedRequests(),
  };
  const server = createAuthorizationServer({ issuer }, ports);
  const post = (path: string, form: Record<string, string>, headers: Record<string, string> = {}) =>
    server.handle(httpRequest({ method: 'POST', path, headers: { 'content-type': 'application/x-www-form-urlencoded', ...headers }, body: utf8(formEncode(form)) }));
  /** Runs an authorization request (query) to a code, with the user approving. */
  const codeFor = async (query: Record<string, string>): Promise<string> => {
    const started = await server.handle(httpRequest({ method: 'GET', path: '/authorize', query: formEncode(query) }));
    expect(started).toMatchObject({ _tag: 'Redirect', status: 303 });
    const id = started._tag === 'Redirect' ? started.location.replace('/interaction/', '') : '';
    const done = await server.interactions.finish(id, { subject: 'alice', scope: ['openid'], authTime: start });
    return splitUrl(done._tag === 'Redirect' ? done.location : '').params['code'] ?? '';
  };
  const redeem = (code: string, headers: Record<string, string> = {}) =>
    post('/token', { grant_type: 'authorization_code', code, redirect_uri: redirectUri, code_verifier: verifier, client_id: 'spa' }, headers);
  return { server, post, codeFor, redeem, ports };
};

const request = { client_id: 'spa', response_type: 'code', redirect_uri: redirectUri, scope: 'openid', code_challenge: secrets.hash(verifier), code_challenge_method: 'S256', state: 's' };
const body = (r: HttpResponse): Record<string, unknown> => (r._tag === 'Json' ? (r.body as Record<string, unknown>) : {});
const tokenUrl = `${issuer}/token`;

describe('dpop_jkt at the authorization endpoint (RFC 9449 §10)', () => {
  it('binds the code: redeemed with a proof by that key it gives a DPoP token', async () => {
    const { codeFor, redeem, ports } = setup();
    const h = await holder();
    const code = await codeFor({ ...request, dpop_jkt: h.jkt });
    expect([...ports.authorizationCodes.all.values()][0]).toMatchObject({ dpopJkt: h.jkt });
    expect(await redeem(code, { dpop: await proof(h, tokenUrl) })).toMatchObject({ status: 200, body: { token_type: 'DPoP' } });
  });

  it('a proof by another key, or no proof: invalid_grant, no tokens', async () => {
    const { codeFor, redeem } = setup();
    const h = await holder();
    const other = await holder();
    const first = await codeFor({ ...request, dpop_jkt: h.jkt });
    const refused = await redeem(first, { dpop: await proof(other, tokenUrl) });
    expect(refused).toMatchObject({ status: 400, body: { error: 'invalid_grant' } });
    expect(body(refused)['access_token']).toBeUndefined();
    const second = await codeFor({ ...request, dpop_jkt: h.jkt });
    expect(await redeem(second)).toMatchObject({ status: 400, body: { error: 'invalid_grant' } });
    // Without dpop_jkt the code is unbound: any proof, or none, works.
    expect(await redeem(await codeFor(request))).toMatchObject({ status: 200, body: { token_type: 'Bearer' } });
  });

  it('a dpop_jkt that is not a SHA-256 thumbprint is invalid_request (sent to the redirect URI)', async () => {
    const { server } = setup();
    const r = await server.handle(httpRequest({ method: 'GET', path: '/authorize', query: formEncode({ ...request, dpop_jkt: 'short' }) }));
    expect(r._tag === 'Redirect' ? splitUrl(r.location).params : {}).toMatchObject({ error: 'invalid_request', state: 's', iss: issuer });
  });
});

describe('DPoP at the pushed authorization request endpoint (RFC 9449 §10.1)', () => {
  const parUrl = `${issuer}/par`;
  const pushed = async (s: ReturnType<typeof setup>, form: Record<string, string>, headers: Record<string, string>) => {
    const r = await s.post('/par', form, headers);
    expect(r).toMatchObject({ status: 201 });
    return s.codeFor({ client_id: 'spa', request_uri: String(body(r)['request_uri']) });
  };

  it('a proof with the push binds the code to its key', async () => {
    const s = setup();
    const h = await holder();
    const other = await holder();
    const code = await pushed(s, request, { dpop: await proof(h, parUrl) });
    expect(await s.redeem(code, { dpop: await proof(other, tokenUrl) })).toMatchObject({ status: 400, body: { error: 'invalid_grant' } });
    const again = await pushed(s, request, { dpop: await proof(h, parUrl) });
    expect(await s.redeem(again, { dpop: await proof(h, tokenUrl) })).toMatchObject({ status: 200, body: { token_type: 'DPoP' } });
  });

  it('dpop_jkt pushed without a proof binds too; a proof and a different dpop_jkt: invalid_dpop_proof; a proof for another URL is refused', async () => {
    const s = setup();
    const h = await holder();
    const other = await holder();
    const code = await pushed(s, { ...request, dpop_jkt: h.jkt }, {});
    expect(await s.redeem(code)).toMatchObject({ status: 400, body: { error: 'invalid_grant' } });
    expect(await s.post('/par', { ...request, dpop_jkt: other.jkt }, { dpop: await proof(h, parUrl) })).toMatchObject({ status: 400, body: { error: 'invalid_dpop_proof' } });
    expect(await s.post('/par', request, { dpop: await proof(h, tokenUrl) })).toMatchObject({ status: 400, body: { error: 'invalid_dpop_proof' } });
  });
});
