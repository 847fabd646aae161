/** RFC 9449 through `createAuthorizationServer`: proofs at the token endpoint, bound tokens at the resource side. */
import { describe, expect, it } from 'vitest';
import fc from 'fast-check';
import { calculateJwkThumbprint, exportJWK, generateKeyPair, SignJWT, type CryptoKey, type JWK } from 'jose';
import { httpRequest } from '../http/http-request.js';
import { base64Encode, utf8Encode } from '../http/encoding.js';
import type { HttpResponse } from '../http/http-response.js';
import type { SecretHasher } from '../ports/runtime.js';
import { memoryAuthorizationCodes, memoryClients, memoryConsents, memoryDeviceCodes, memoryInteractions, publicClient, testClock, testLogger, testRandom, webClient } from '../test/fake-ports.js';
import { memoryAccessTokens, memoryRefreshTokens, memoryReplay } from '../test/token-fakes.js';
import { formEncode, splitUrl, utf8 } from '../test/http-helpers.js';
import { createAuthorizationServer } from '../server/create-authorization-server.js';
import { normalizeHtu } from './htu.js';

const issuer = 'https://as.example.test';
const start = 1_800_000_000;

/** A toy SHA-256 stand-in that is deterministic and 43 characters long (ath and PKCE only need equality here). */
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

interface Holder {
  readonly privateKey: CryptoKey;
  readonly jwk: JWK;
  readonly jkt: string;
}
const holder = async (alg = 'ES256'): Promise<Holder> => {
  const { privateKey, publicKey } = await generateKeyPair(alg);
  const jwk = await exportJWK(publicKey);
  return { privateKey, jwk, jkt: await calculateJwkThumbprint(jwk, 'sha256') };
};
let counter = 0;
const proof = (h: Holder, claims: { htm: string; htu: string; ath?: string; iat?: number; jti?: string; nonce?: string | undefined }, typ = 'dpop+jwt', alg = 'ES256') =>
  new SignJWT({ htm: claims.htm, htu: claims.htu, jti: claims.jti ?? `jti-${++counter}`, iat: claims.iat ?? start, ...(claims.ath === undefined ? {} : { ath: claims.ath }), ...(claims.nonce === undefined ? {} : { nonce: claims.nonce }) })
    .setProtectedHeader({ alg, typ, jwk: h.jwk })
    .sign(h.privateKey);

const setup = (config: Record<string, unknown> = {}) => {
  const clock = testClock(start);
  const ports = {
    clock,
    random: testRandom(),
    secrets,
    logger: testLogger(),
    clients: memoryClients([
      webClient({ secretHashes: [{ hash: toyHash('secret') }], grantTypes: ['authorization_code', 'refresh_token', 'client_credentials'] }),
      webClient({ clientId: 'strict', secretHashes: [{ hash: toyHash('secret') }], grantTypes: ['client_credentials'], dpopBoundAccessTokens: true }),
      publicClient(),
    ]),
    accessTokens: memoryAccessTokens(),
    refreshTokens: memoryRefreshTokens(),
    authorizationCodes: memoryAuthorizationCodes(),
    replay: memoryReplay(),
    interactions: memoryInteractions(),
    consents: memoryConsents(),
    deviceCodes: memoryDeviceCodes(),
    claims: { claims: (sub: string) => async () => ({ _tag: 'Right' as const, right: { _tag: 'Some' as const, value: { sub, name: 'Alice' } } }) },
  };
  const server = createAuthorizationServer({ issuer, ...config }, ports as never);
  const token = (form: Record<string, string>, headers: Record<string, string> = {}) =>
    server.handle(httpRequest({ method: 'POST', path: '/token', headers: { 'content-type': 'application/x-www-form-urlencoded', ...headers }, body: utf8(formEncode(form)) }));
  return { server, clock, token, ports };
};

const basic = (id: string) => ({ authorization: `Basic ${base64Encode(utf8Encode(`${id}:secret`))}` });
const body = (r: HttpResponse): Record<string, unknown> => (r._tag === 'Json' ? (r.body as Record<string, unknown>) : {});
const tokenUrl = `${issuer}/token`;

describe('DPoP at the token endpoint (RFC 9449 §5)', () => {
  it('a valid proof binds the access token: token_type DPoP, cnf.jkt and token_type DPoP in introspection; without a proof: Bearer, no cnf', async () => {
    const { token, server } = setup();
    const h = await holder();
    const bound = await token({ grant_type: 'client_credentials', scope: 'api:read' }, { ...basic('web'), dpop: await proof(h, { htm: 'POST', htu: tokenUrl }) });
    expect(bound).toMatchObject({ status: 200, body: { token_type: 'DPoP' } });
    const plain = await token({ grant_type: 'client_credentials', scope: 'api:read' }, basic('web'));
    expect(plain).toMatchObject({ status: 200, body: { token_type: 'Bearer' } });
    const introspect = (t: unknown) =>
      server.handle(httpRequest({ method: 'POST', path: '/introspect', headers: { 'content-type': 'application/x-www-form-urlencoded', ...basic('web') }, body: utf8(formEncode({ token: String(t) })) }));
    // RFC 9449 §6.2 (cnf.jkt in the introspection response), RFC 7662 §2.2 (token_type)
    expect(body(await introspect(body(bound)['access_token']))).toMatchObject({ active: true, token_type: 'DPoP', cnf: { jkt: h.jkt } });
    const plainInfo = body(await introspect(body(plain)['access_token']));
    expect(plainInfo).toMatchObject({ active: true, token_type: 'Bearer' });
    expect(plainInfo['cnf']).toBeUndefined();
  });

  it('refuses proofs that are malformed, for another URL or method, stale, replayed, symmetric or of the wrong typ; nothing is issued', async () => {
    const { token, ports } = setup();
    const h = await holder();
    const cc = { grant_type: 'client_credentials', scope: 'api:read' };
    const replayed = await proof(h, { htm: 'POST', htu: tokenUrl });
    expect((await token(cc, { ...basic('web'), dpop: replayed })).status).toBe(200);
    const bad = [
      'not-a-jwt',
      replayed,
      await proof(h, { htm: 'POST', htu: `${issuer}/other` }),
      await proof(h, { htm: 'GET', htu: tokenUrl }),
      await proof(h, { htm: 'POST', htu: tokenUrl, iat: start - 3600 }),
      await proof(h, { htm: 'POST', htu: tokenUrl }, 'JWT'),
      `${await proof(h, { htm: 'POST', htu: tokenUrl })}, ${await proof(h, { htm: 'POST', htu: tokenUrl })}`,
    ];
    const before = ports.accessTokens.all.size;
    for (const dpop of bad) expect(await token(cc, { ...basic('web'), dpop })).toMatchObject({ status: 400, body: { error: 'invalid_dpop_proof' } });
    expect(ports.accessTokens.all.size).toBe(before);
  });

  it('dpop_bound_access_tokens: the client must send a proof', async () => {
    const { token } = setup();
    expect(await token({ grant_type: 'client_credentials' }, basic('strict'))).toMatchObject({ status: 400, body: { error: 'invalid_dpop_proof' } });
    const h = await holder();
    expect(await token({ grant_type: 'client_credentials' }, { ...basic('strict'), dpop: await proof(h, { htm: 'POST', htu: tokenUrl }) })).toMatchObject({ status: 200, body: { token_type: 'DPoP' } });
  });

  it('server nonces (§8): use_dpop_nonce with DPoP-Nonce, then the nonce is accepted; it rotates statelessly', async () => {
    const { token, clock } = setup({ dpop: { nonceSecret: 'a-long-enough-nonce-secret', nonceRotationSeconds: 60 } });
    const h = await holder();
    const cc = { grant_type: 'client_credentials', scope: 'api:read' };
    const first = await token(cc, { ...basic('web'), dpop: await proof(h, { htm: 'POST', htu: tokenUrl }) });
    expect(first).toMatchObject({ status: 400, body: { error: 'use_dpop_nonce' } });
    const nonce = first.headers['dpop-nonce'];
    expect(typeof nonce).toBe('string');
    const accepted = await token(cc, { ...basic('web'), dpop: await proof(h, { htm: 'POST', htu: tokenUrl, nonce }) });
    expect(accepted).toMatchObject({ status: 200, body: { token_type: 'DPoP' } });
    // §8.2: a successful response carries the current nonce (here the same window's), so no failed round trip is needed
    expect(accepted.headers['dpop-nonce']).toBe(nonce);
    clock.advance(60);
    const nextWindow = await token(cc, { ...basic('web'), dpop: await proof(h, { htm: 'POST', htu: tokenUrl, nonce, iat: start + 60 }) });
    expect(nextWindow).toMatchObject({ status: 200 });
    const rotated = nextWindow.headers['dpop-nonce'];
    expect(typeof rotated).toBe('string');
    expect(rotated).not.toBe(nonce);
    // without a proof the response carries no nonce
    expect((await token(cc, basic('web'))).headers['dpop-nonce']).toBeUndefined();
    clock.advance(60);
    // the client that took the rotated nonce from the success keeps going after the old one expired
    expect(await token(cc, { ...basic('web'), dpop: await proof(h, { htm: 'POST', htu: tokenUrl, nonce: rotated, iat: start + 120 }) })).toMatchObject({ status: 200 });
    expect(await token(cc, { ...basic('web'), dpop: await proof(h, { htm: 'POST', htu: tokenUrl, nonce, iat: start + 120 }) })).toMatchObject({ status: 400, body: { error: 'use_dpop_nonce' } });
  });

  it('server nonces (§8.2): a successful userinfo response to the DPoP scheme carries a fresh DPoP-Nonce; a Bearer one none', async () => {
    const { server, token, clock } = setup({ dpop: { nonceSecret: 'a-long-enough-nonce-secret', nonceRotationSeconds: 60 } });
    const h = await holder();
    const nonce = (await token({ grant_type: 'client_credentials' }, { ...basic('web'), dpop: await proof(h, { htm: 'POST', htu: tokenUrl }) })).headers['dpop-nonce'];
    const verifier = 'v'.repeat(50);
    const query = formEncode({ client_id: 'spa', redirect_uri: 'https://spa.example.test/cb', response_type: 'code', scope: 'openid profile', code_challenge: toyHash(verifier), code_challenge_method: 'S256' });
    const started = await server.handle(httpRequest({ method: 'GET', path: '/authorize', query }));
    const id = started._tag === 'Redirect' ? started.location.replace('/interaction/', '') : '';
    const done = await server.interactions.finish(id, { subject: 'alice', scope: ['openid', 'profile'], authTime: start });
    const code = splitUrl(done._tag === 'Redirect' ? done.location : '').params['code'] ?? '';
    const form = { grant_type: 'authorization_code', code, redirect_uri: 'https://spa.example.test/cb', code_verifier: verifier, client_id: 'spa' };
    const issued = await token(form, { dpop: await proof(h, { htm: 'POST', htu: tokenUrl, nonce }) });
    expect(issued).toMatchObject({ status: 200, body: { token_type: 'DPoP' } });
    const access = String(body(issued)['access_token']);
    clock.advance(60);
    const url = `${issuer}/userinfo`;
    const ok = await server.handle(httpRequest({ method: 'GET', path: '/userinfo', headers: { authorization: `DPoP ${access}`, dpop: await proof(h, { htm: 'GET', htu: url, ath: toyHash(access), nonce, iat: start + 60 }) } }));
    expect(ok).toMatchObject({ status: 200, body: { sub: 'alice' } });
    expect(typeof ok.headers['dpop-nonce']).toBe('string');
    expect(ok.headers['dpop-nonce']).not.toBe(nonce);
    const plain = await token({ grant_type: 'client_credentials', scope: 'api:read' }, basic('web'));
    expect(plain.headers['dpop-nonce']).toBeUndefined();
  });

  it('a public client refresh token is bound to the key (§5): same key works, none or another key gets no tokens', async () => {
    const { server, token } = setup();
    const h = await holder();
    const other = await holder();
    const verifier = 'v'.repeat(50);
    const query = formEncode({ client_id: 'spa', redirect_uri: 'https://spa.example.test/cb', response_type: 'code', scope: 'openid profile', code_challenge: toyHash(verifier), code_challenge_method: 'S256' });
    const started = await server.handle(httpRequest({ method: 'GET', path: '/authorize', query }));
    const id = started._tag === 'Redirect' ? started.location.replace('/interaction/', '') : '';
    const done = await server.interactions.finish(id, { subject: 'alice', scope: ['openid', 'profile'], authTime: start });
    const code = splitUrl(done._tag === 'Redirect' ? done.location : '').params['code'] ?? '';
    const issued = await token({ grant_type: 'authorization_code', code, redirect_uri: 'https://spa.example.test/cb', code_verifier: verifier, client_id: 'spa' }, { dpop: await proof(h, { htm: 'POST', htu: tokenUrl }) });
    expect(issued).toMatchObject({ status: 200, body: { token_type: 'DPoP' } });
    const refresh = String(body(issued)['refresh_token']);
    const form = { grant_type: 'refresh_token', refresh_token: refresh, client_id: 'spa' };
    expect((await token(form)).status).toBe(400);
    expect(body(await token(form, { dpop: await proof(other, { htm: 'POST', htu: tokenUrl }) }))['access_token']).toBeUndefined();
    const again = await token(form, { dpop: await proof(h, { htm: 'POST', htu: tokenUrl }) });
    expect(again).toMatchObject({ status: 200, body: { token_type: 'DPoP' } });
    const next = { ...form, refresh_token: String(body(again)['refresh_token']) };
    expect((await token(next, { dpop: await proof(other, { htm: 'POST', htu: tokenUrl }) })).status).toBe(400);
    expect((await token(next, { dpop: await proof(h, { htm: 'POST', htu: tokenUrl }) })).status).toBe(200);

    // Userinfo (§7): the bound token works only as DPoP with a proof for this request by this key.
    const access = String(body(again)['access_token']);
    const userinfo = async (scheme: string, dpop?: string) =>
      server.handle(httpRequest({ method: 'GET', path: '/userinfo', headers: { authorization: `${scheme} ${access}`, ...(dpop === undefined ? {} : { dpop }) } }));
    const url = `${issuer}/userinfo`;
    expect(await userinfo('DPoP', await proof(h, { htm: 'GET', htu: url, ath: toyHash(access) }))).toMatchObject({ status: 200, body: { sub: 'alice' } });
    const refused = [
      await userinfo('Bearer'),
      await userinfo('DPoP'),
      await userinfo('DPoP', await proof(other, { htm: 'GET', htu: url, ath: toyHash(access) })),
      await userinfo('DPoP', await proof(h, { htm: 'POST', htu: url, ath: toyHash(access) })),
      await userinfo('DPoP', await proof(h, { htm: 'GET', htu: `${issuer}/elsewhere`, ath: toyHash(access) })),
      await userinfo('DPoP', await proof(h, { htm: 'GET', htu: url, ath: toyHash('another token') })),
    ];
    for (const r of refused) {
      expect(r.status).toBe(401);
      expect(r.headers['www-authenticate']).toMatch(/^DPoP /);
      expect(r.headers['www-authenticate']).toContain('algs="ES256');
    }
    const once = await proof(h, { htm: 'GET', htu: url, ath: toyHash(access) });
    expect((await userinfo('DPoP', once)).status).toBe(200);
    expect((await userinfo('DPoP', once)).status).toBe(401);
  });

  it('discovery advertises dpop_signing_alg_values_supported with ES256', async () => {
    const { server } = setup();
    const r = await server.handle(httpRequest({ method: 'GET', path: '/.well-known/openid-configuration' }));
    expect(body(r)['dpop_signing_alg_values_supported']).toContain('ES256');
  });
});

describe('property: a proof verifies only for its key, method, URL and token', () => {
  it('at the resource, any change of key, method, URL or token is refused', async () => {
    const { token, server } = setup();
    const h = await holder();
    const other = await holder();
    const issued = await token({ grant_type: 'client_credentials', scope: 'api:read' }, { ...basic('web'), dpop: await proof(h, { htm: 'POST', htu: tokenUrl }) });
    const access = String(body(issued)['access_token']);
    const methods = ['GET', 'POST', 'PUT', 'DELETE'] as const;
    const paths = ['/api/a', '/api/b', '/api/a/b'] as const;
    await fc.assert(
      fc.asyncProperty(
        fc.record({ method: fc.constantFrom(...methods), path: fc.constantFrom(...paths) }),
        fc.record({ key: fc.boolean(), method: fc.constantFrom(...methods), path: fc.constantFrom(...paths), token: fc.boolean() }),
        async (request, signed) => {
          const dpop = await proof(signed.key ? h : other, { htm: signed.method, htu: `${issuer}${signed.path}`, ath: toyHash(signed.token ? access : `${access}x`) });
          const r = await server.bearer(httpRequest({ method: request.method, path: request.path, headers: { authorization: `DPoP ${access}`, dpop } }), { allowBody: false });
          const matches = signed.key && signed.token && signed.method === request.method && signed.path === request.path;
          expect(r._tag).toBe(matches ? 'Authorized' : 'Rejected');
        },
      ),
      { numRuns: 60 },
    );
  });

  it('htu comparison ignores query, fragment, default ports and the case of scheme and host, nothing else', () => {
    expect(normalizeHtu('HTTPS://AS.Example.test:443/token?x=1#f')).toBe('https://as.example.test/token');
    expect(normalizeHtu('http://127.0.0.1:80')).toBe('http://127.0.0.1/');
    expect(normalizeHtu('http://127.0.0.1:8080/Token')).toBe('http://127.0.0.1:8080/Token');
    expect(normalizeHtu('ftp://x/y')).toBeUndefined();
  });
});
