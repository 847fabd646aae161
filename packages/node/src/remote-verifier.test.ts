import { exportJWK, generateKeyPair } from 'jose';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { httpRequest, type BearerResult, type HttpResponse } from '@grantor/core';
import { remoteVerifier, type RemoteVerifierOptions } from './index.js';
import { dpopProof, proofKey, resources, rsSecret, startRemoteAs, type RemoteAs } from './test/remote-authorization-server.js';

let as: RemoteAs;
let rsPrivateJwk: Awaited<ReturnType<typeof exportJWK>>;

beforeAll(async () => {
  const { privateKey, publicKey } = await generateKeyPair('ES256', { extractable: true });
  rsPrivateJwk = { ...(await exportJWK(privateKey)), alg: 'ES256', kid: 'rs-1' };
  as = await startRemoteAs({ ...(await exportJWK(publicKey)), alg: 'ES256', kid: 'rs-1', use: 'sig' });
});
afterAll(() => as.close());

const introspecting = (overrides: Partial<RemoteVerifierOptions['introspection'] & object> = {}, options: Partial<RemoteVerifierOptions> = {}) =>
  remoteVerifier({
    issuer: as.issuer,
    resource: resources.api,
    introspection: { endpoint: `${as.issuer}/introspect`, clientId: 'rs', clientSecret: rsSecret, ...overrides } as NonNullable<RemoteVerifierOptions['introspection']>,
    allowHttp: 'loopback',
    ...options,
  });

const request = (authorization?: string, dpop?: string) =>
  httpRequest({ method: 'GET', path: '/data', headers: { ...(authorization === undefined ? {} : { authorization }), ...(dpop === undefined ? {} : { dpop }) } });

const rejected = (result: BearerResult): HttpResponse => {
  if (result._tag !== 'Rejected') throw new Error('expected a rejection');
  return result.response;
};
const challenge = (result: BearerResult): string => rejected(result).headers?.['www-authenticate'] ?? '';

describe('remoteVerifier: RFC 7662 introspection against a real Grantor server', () => {
  it('the authorization server answers the resource server for its audience, and {"active":false} for another', async () => {
    const basic = `Basic ${Buffer.from(`rs:${rsSecret}`).toString('base64')}`;
    const ask = async (token: string) =>
      (await fetch(`${as.issuer}/introspect`, { method: 'POST', headers: { 'content-type': 'application/x-www-form-urlencoded', authorization: basic }, body: `token=${token}` })).json();
    expect(await ask(await as.token({ resource: resources.api, scope: 'read' }))).toMatchObject({ active: true, aud: resources.api, client_id: 'app' });
    expect(await ask(await as.token({ resource: resources.other, scope: 'read' }))).toEqual({ active: false });
    expect(await ask(await as.token({ scope: 'read' }))).toEqual({ active: false });
  });

  it('a token for the resource is Authorized with what it grants; the audience and scope come from the answer', async () => {
    const result = await introspecting().bearer(request(`Bearer ${await as.token({ resource: resources.api, scope: 'read write' })}`), { requiredScopes: ['read'] });
    expect(result).toMatchObject({ _tag: 'Authorized', auth: { clientId: 'app', scope: ['read', 'write'], audience: [resources.api], format: 'opaque' } });
  });

  it('RFC 7662 §4: a token for another resource, a forged token and no token are refused with RFC 6750 challenges', async () => {
    const verifier = introspecting();
    const other = await verifier.bearer(request(`Bearer ${await as.token({ resource: resources.other, scope: 'read' })}`));
    expect(rejected(other).status).toBe(401);
    expect(challenge(other)).toContain('error="invalid_token"');
    expect(rejected(await verifier.bearer(request('Bearer forged-token'))).status).toBe(401);
    const none = await verifier.bearer(request(), { resourceMetadata: 'https://api.example/.well-known/oauth-protected-resource' });
    expect(rejected(none).status).toBe(401);
    expect(challenge(none)).toBe(`Bearer realm="${as.issuer}", resource_metadata="https://api.example/.well-known/oauth-protected-resource"`);
  });

  it('a missing scope is 403 insufficient_scope', async () => {
    const result = await introspecting().bearer(request(`Bearer ${await as.token({ resource: resources.api, scope: 'read' })}`), { requiredScopes: ['write'] });
    expect(rejected(result).status).toBe(403);
    expect(challenge(result)).toContain('error="insufficient_scope", error_description="The access token does not grant the required scope.", scope="write"');
  });

  it('answers are cached (active and inactive), one request per token; with the cache off a revocation is seen at once', async () => {
    const verifier = introspecting();
    const token = await as.token({ resource: resources.api, scope: 'read' });
    const before = as.introspections();
    const results = await Promise.all([1, 2, 3].map(() => verifier.bearer(request(`Bearer ${token}`))));
    expect(results.map((r) => r._tag)).toEqual(['Authorized', 'Authorized', 'Authorized']);
    await verifier.bearer(request(`Bearer ${token}`));
    expect(as.introspections() - before).toBe(1);
    await verifier.bearer(request('Bearer unknown-token'));
    await verifier.bearer(request('Bearer unknown-token'));
    expect(as.introspections() - before).toBe(2);

    const uncached = introspecting({ cacheTtlSeconds: 0 });
    expect((await uncached.bearer(request(`Bearer ${token}`)))._tag).toBe('Authorized');
    const revoke = await fetch(`${as.issuer}/revoke`, {
      method: 'POST',
      headers: { 'content-type': 'application/x-www-form-urlencoded', authorization: `Basic ${Buffer.from('app:app-secret-0123456789abcdef').toString('base64')}` },
      body: `token=${token}`,
    });
    expect(revoke.status).toBe(200);
    expect(rejected(await uncached.bearer(request(`Bearer ${token}`))).status).toBe(401);
  });

  it('private_key_jwt: the resource server authenticates with a signed assertion (RFC 7523)', async () => {
    const verifier = introspecting({ clientId: 'rs-jwt', privateKey: rsPrivateJwk, clientSecret: undefined } as never);
    const result = await verifier.bearer(request(`Bearer ${await as.token({ resource: resources.api, scope: 'read' })}`));
    expect(result._tag).toBe('Authorized');
  });

  it('RFC 9449: a DPoP-bound token needs the DPoP scheme and a fresh proof by its key for this URL', async () => {
    const key = await proofKey();
    const token = await as.token({ resource: resources.api, scope: 'read' }, key);
    const verifier = introspecting();
    const htu = 'https://api.example/data';
    const ok = await verifier.bearer(request(`DPoP ${token}`, await dpopProof(key, 'GET', htu, token)));
    expect(ok).toMatchObject({ _tag: 'Authorized', auth: { extra: { cnf: { jkt: key.jkt } } } });
    const asBearer = await verifier.bearer(request(`Bearer ${token}`));
    expect(rejected(asBearer).status).toBe(401);
    expect(challenge(asBearer)).toMatch(/^DPoP realm=.*error="invalid_token"/);
    const proof = await dpopProof(key, 'GET', htu, token);
    expect((await verifier.bearer(request(`DPoP ${token}`, proof)))._tag).toBe('Authorized');
    expect(challenge(await verifier.bearer(request(`DPoP ${token}`, proof)))).toContain('error="invalid_dpop_proof"');
    const otherKey = await proofKey();
    expect(rejected(await verifier.bearer(request(`DPoP ${token}`, await dpopProof(otherKey, 'GET', htu, token)))).status).toBe(401);
    expect(rejected(await verifier.bearer(request(`DPoP ${token}`, await dpopProof(key, 'GET', 'https://api.example/elsewhere', token)))).status).toBe(401);
  });

  it('faults are never a pass: unreachable → 503 temporarily_unavailable; refused credentials or address → 500 server_error', async () => {
    const token = await as.token({ resource: resources.api, scope: 'read' });
    const down = await introspecting({ endpoint: 'http://127.0.0.1:9/introspect' }).bearer(request(`Bearer ${token}`));
    expect(rejected(down).status).toBe(503);
    expect(challenge(down)).toContain('error="temporarily_unavailable"');
    const wrongSecret = await introspecting({ clientSecret: 'not-the-secret' }).bearer(request(`Bearer ${token}`));
    expect(rejected(wrongSecret).status).toBe(500);
    expect(challenge(wrongSecret)).toContain('error="server_error"');
    const httpsOnly = await introspecting({}, { allowHttp: false }).bearer(request(`Bearer ${token}`));
    expect(rejected(httpsOnly).status).toBe(500);
  });

  it('a configuration with neither or both modes throws at startup', () => {
    expect(() => remoteVerifier({ issuer: 'https://as.example', resource: resources.api })).toThrow(TypeError);
    expect(() =>
      remoteVerifier({ issuer: 'https://as.example', resource: resources.api, jwt: { jwksUri: 'https://as.example/jwks' }, introspection: { endpoint: 'https://as.example/i', clientId: 'a', clientSecret: 'b' } }),
    ).toThrow(TypeError);
  });
});

describe('remoteVerifier: RFC 9068 JWT access tokens with the JWK Set', () => {
  const jwtVerifier = (options: Partial<RemoteVerifierOptions> = {}) =>
    remoteVerifier({ issuer: as.issuer, resource: resources.jwt, jwt: { jwksUri: `${as.issuer}/jwks` }, allowHttp: 'loopback', ...options });

  it('verifies locally: no introspection request, audience and scope from the claims', async () => {
    const verifier = jwtVerifier();
    const token = await as.token({ resource: resources.jwt, scope: 'read' });
    const before = as.introspections();
    const result = await verifier.bearer(request(`Bearer ${token}`), { requiredScopes: ['read'] });
    expect(result).toMatchObject({ _tag: 'Authorized', auth: { clientId: 'app', scope: ['read'], audience: [resources.jwt], format: 'jwt' } });
    expect(as.introspections()).toBe(before);
  });

  it('a tampered token, another issuer, another audience or an opaque token is 401 invalid_token', async () => {
    const token = await as.token({ resource: resources.jwt, scope: 'read' });
    const [h, p, s] = token.split('.') as [string, string, string];
    const claims = JSON.parse(Buffer.from(p, 'base64url').toString()) as Record<string, unknown>;
    const tampered = `${h}.${Buffer.from(JSON.stringify({ ...claims, scope: 'read write' })).toString('base64url')}.${s}`;
    const verifier = jwtVerifier();
    expect(challenge(await verifier.bearer(request(`Bearer ${tampered}`)))).toContain('error="invalid_token"');
    expect(rejected(await jwtVerifier({ issuer: 'https://elsewhere.example' }).bearer(request(`Bearer ${token}`))).status).toBe(401);
    expect(rejected(await jwtVerifier({ resource: resources.api }).bearer(request(`Bearer ${token}`))).status).toBe(401);
    expect(rejected(await verifier.bearer(request(`Bearer ${await as.token({ resource: resources.api, scope: 'read' })}`))).status).toBe(401);
  });

  it('a key set that cannot be fetched is 503, never a pass', async () => {
    const verifier = remoteVerifier({ issuer: as.issuer, resource: resources.jwt, jwt: { jwksUri: 'http://127.0.0.1:9/jwks' }, allowHttp: 'loopback' });
    const result = await verifier.bearer(request(`Bearer ${await as.token({ resource: resources.jwt, scope: 'read' })}`));
    expect(rejected(result).status).toBe(503);
  });
});
