/** RFC 9101 (JAR) through `createAuthorizationServer`: `request` at the authorization endpoint and at PAR. */
import { describe, expect, it } from 'vitest';
import fc from 'fast-check';
import { exportJWK, generateKeyPair, SignJWT, type CryptoKey, type JWTHeaderParameters, type JWTPayload } from 'jose';
import { httpRequest } from '../http/http-request.js';
import { base64Encode, utf8Encode } from '../http/encoding.js';
import type { HttpResponse } from '../http/http-response.js';
import type { SecretHasher } from '../ports/runtime.js';
import type { PublicJwk } from '../domain/client.js';
import { memoryAuthorizationCodes, memoryClients, memoryConsents, memoryDeviceCodes, memoryInteractions, memoryPushedRequests, publicClient, testClock, testLogger, testRandom, webClient } from '../test/fake-ports.js';
import { memoryAccessTokens, memoryRefreshTokens, memoryReplay } from '../test/token-fakes.js';
import { formEncode, utf8 } from '../test/http-helpers.js';
import { createAuthorizationServer } from '../server/create-authorization-server.js';
import type { ServerConfigInput } from '../codec/config.js';

const issuer = 'https://as.example.test';
const challenge = 'E9Melhoa2OwvFrEMTJguCHaoeK1t8URWbuGUSfAHcCw';
const otherChallenge = 'x'.repeat(43);
const secrets: SecretHasher = { hash: (v) => `h(${v})`, verify: (p, e) => `h(${p})` === e };
const start = 1_800_000_000;

interface KeyPair {
  readonly privateKey: CryptoKey;
  readonly jwk: PublicJwk;
}
const keyPair = async (kid: string): Promise<KeyPair> => {
  const { privateKey, publicKey } = await generateKeyPair('ES256');
  return { privateKey, jwk: { ...(await exportJWK(publicKey)), kid, alg: 'ES256' } as PublicJwk };
};
const keys = { jar: await keyPair('jar-1'), other: await keyPair('other-1') };

const setup = (config: Omit<ServerConfigInput, 'issuer'> = {}) => {
  const clock = testClock(start);
  const interactions = memoryInteractions();
  const pushedRequests = memoryPushedRequests();
  const ports = {
    clock,
    random: testRandom(),
    secrets,
    logger: testLogger(),
    clients: memoryClients([
      publicClient({ clientId: 'jar', jwks: { keys: [keys.jar.jwk] } }),
      publicClient({ clientId: 'other', jwks: { keys: [keys.other.jwk] } }),
      publicClient({ clientId: 'strict', jwks: { keys: [keys.jar.jwk] }, requireSignedRequestObject: true }),
      webClient({ secretHashes: [{ hash: 'h(secret)' }], jwks: { keys: [keys.jar.jwk] } }),
      publicClient({ clientId: 'nokeys' }),
    ]),
    accessTokens: memoryAccessTokens(),
    refreshTokens: memoryRefreshTokens(),
    authorizationCodes: memoryAuthorizationCodes(),
    replay: memoryReplay(),
    interactions,
    consents: memoryConsents(),
    deviceCodes: memoryDeviceCodes(),
    pushedRequests,
  };
  const server = createAuthorizationServer({ issuer, ...config }, ports);
  const authorize = (query: Record<string, string>) => server.handle(httpRequest({ method: 'GET', path: '/authorize', query: formEncode(query) }));
  const push = (form: Record<string, string>, headers: Record<string, string> = {}) =>
    server.handle(httpRequest({ method: 'POST', path: '/par', headers: { 'content-type': 'application/x-www-form-urlencoded', ...headers }, body: utf8(formEncode(form)) }));
  /** The interaction record the last successful authorization request saved. */
  const started = (r: HttpResponse) => {
    expect(r).toMatchObject({ _tag: 'Redirect', status: 303 });
    const id = r._tag === 'Redirect' ? decodeURIComponent(r.location.replace('/interaction/', '')) : '';
    return interactions.all.get(id);
  };
  return { server, clock, authorize, push, started, pushedRequests };
};

const spaRequest = {
  response_type: 'code',
  redirect_uri: 'https://spa.example.test/cb',
  scope: 'openid profile',
  state: 'signed-state',
  code_challenge: challenge,
  code_challenge_method: 'S256',
};

/** A request object for `clientId` (RFC 9101 §4), signed with `key`; `claims` override or remove (`undefined`) members. */
const sign = async (clientId: string, key: KeyPair, claims: Readonly<Record<string, unknown>> = {}, header: Readonly<Record<string, unknown>> = {}): Promise<string> => {
  const payload: Record<string, unknown> = { iss: clientId, aud: issuer, client_id: clientId, iat: start, exp: start + 300, ...spaRequest, ...claims };
  for (const [k, v] of Object.entries(payload)) if (v === undefined) delete payload[k];
  const protectedHeader: Record<string, unknown> = { alg: 'ES256', kid: key.jwk.kid, typ: 'oauth-authz-req+jwt', ...header };
  for (const [k, v] of Object.entries(protectedHeader)) if (v === undefined) delete protectedHeader[k];
  return new SignJWT(payload as JWTPayload).setProtectedHeader(protectedHeader as JWTHeaderParameters).sign(key.privateKey);
};

const b64url = (text: string) => base64Encode(utf8Encode(text)).replace(/=+$/, '').replace(/\+/g, '-').replace(/\//g, '_');
const unsigned = (claims: Readonly<Record<string, unknown>>) => `${b64url(JSON.stringify({ alg: 'none' }))}.${b64url(JSON.stringify(claims))}.`;

const errorCodeOf = (r: HttpResponse): string | undefined => {
  if (r._tag !== 'Html') return undefined;
  return /<code>([^<]+)<\/code>/.exec(r.html)?.[1];
};
const basic = (id: string, secret: string) => ({ authorization: `Basic ${base64Encode(utf8Encode(`${id}:${secret}`))}` });
const body = (r: HttpResponse): Record<string, unknown> => (r._tag === 'Json' ? (r.body as Record<string, unknown>) : {});

describe('request objects at the authorization endpoint (RFC 9101 §5, §6)', () => {
  it('a signed request object starts the authorization with its own parameters; the outer ones are ignored (§6.3)', async () => {
    const { authorize, started } = setup();
    const request = await sign('jar', keys.jar);
    const record = started(await authorize({ client_id: 'jar', request, state: 'outer', scope: 'openid', code_challenge: otherChallenge }));
    expect(record).toMatchObject({ clientId: 'jar', redirectUri: 'https://spa.example.test/cb', state: 'signed-state', scope: ['openid', 'profile'], pkce: { challenge, method: 'S256' } });
  });

  it('unsigned (alg none), a wrong signature, or another client\'s key: invalid_request_object, no interaction', async () => {
    const { authorize, started } = setup();
    const claims = { iss: 'jar', aud: issuer, client_id: 'jar', exp: start + 300, ...spaRequest };
    expect(errorCodeOf(await authorize({ client_id: 'jar', request: unsigned(claims) }))).toBe('invalid_request_object');
    expect(errorCodeOf(await authorize({ client_id: 'jar', request: await sign('jar', keys.other, {}, { kid: 'jar-1' }) }))).toBe('invalid_request_object');
    // Signed by client "other" with its own key, claiming to be "other", but sent as "jar".
    expect(errorCodeOf(await authorize({ client_id: 'jar', request: await sign('other', keys.other) }))).toBe('invalid_request_object');
    expect(errorCodeOf(await authorize({ client_id: 'nokeys', request: await sign('nokeys', keys.jar) }))).toBe('invalid_request_object');
    expect(started(await authorize({ client_id: 'jar', request: await sign('jar', keys.jar) }))).toBeDefined();
  });

  it('aud must be the issuer, iss the client_id, client_id the outer one; exp required and bounded; nbf respected', async () => {
    const { authorize } = setup();
    const refused = async (claims: Readonly<Record<string, unknown>>) => errorCodeOf(await authorize({ client_id: 'jar', request: await sign('jar', keys.jar, claims) }));
    expect(await refused({ aud: 'https://other.example.test' })).toBe('invalid_request_object');
    expect(await refused({ aud: undefined })).toBe('invalid_request_object');
    expect(await refused({ iss: 'other' })).toBe('invalid_request_object');
    expect(await refused({ client_id: 'other' })).toBe('invalid_request_object');
    expect(await refused({ exp: undefined })).toBe('invalid_request_object');
    expect(await refused({ exp: start - 120 })).toBe('invalid_request_object');
    expect(await refused({ exp: start + 7200 })).toBe('invalid_request_object');
    expect(await refused({ nbf: start + 600 })).toBe('invalid_request_object');
    expect(await refused({ nbf: start - 7200 })).toBe('invalid_request_object');
    expect(await refused({ request_uri: 'https://rp.example.test/r' })).toBe('invalid_request_object');
    expect(await refused({ nbf: start - 10, exp: start + 3000, aud: [issuer, 'https://x.example.test'] })).toBeUndefined();
  });

  it('a jti is single use; objects without jti may be reused until exp', async () => {
    const { authorize, started } = setup();
    const once = await sign('jar', keys.jar, { jti: 'j-1' });
    expect(started(await authorize({ client_id: 'jar', request: once }))).toBeDefined();
    expect(errorCodeOf(await authorize({ client_id: 'jar', request: once }))).toBe('invalid_request_object');
    const plain = await sign('jar', keys.jar);
    expect(started(await authorize({ client_id: 'jar', request: plain }))).toBeDefined();
    expect(started(await authorize({ client_id: 'jar', request: plain }))).toBeDefined();
  });

  it('the object\'s parameters go through the same checks as query parameters (one codec)', async () => {
    const { authorize, started } = setup();
    const record = started(await authorize({ client_id: 'jar', request: await sign('jar', keys.jar, { max_age: 60, claims: { userinfo: { email: null } } }) }));
    expect(record).toMatchObject({ maxAge: 60, claims: '{"userinfo":{"email":null}}' });
    // Errors after the redirect URI is known go back to it, as for a query request.
    const r = await authorize({ client_id: 'jar', request: await sign('jar', keys.jar, { code_challenge_method: 'plain' }) });
    expect(r).toMatchObject({ _tag: 'Redirect' });
    expect(r._tag === 'Redirect' ? r.location : '').toMatch(/^https:\/\/spa\.example\.test\/cb\?error=invalid_request/);
    expect(errorCodeOf(await authorize({ client_id: 'jar', request: await sign('jar', keys.jar, { redirect_uri: 'https://evil.example/cb' }) }))).toBe('invalid_request');
  });

  it('a request_uri not issued by this server\'s PAR endpoint: request_uri_not_supported (§7); nothing is fetched', async () => {
    const { authorize } = setup();
    expect(errorCodeOf(await authorize({ client_id: 'jar', request_uri: 'https://spa.example.test/request.jwt' }))).toBe('request_uri_not_supported');
  });

  it('require_signed_request_object (client metadata, or server-wide): a plain query request is refused', async () => {
    const { authorize, started } = setup();
    expect(errorCodeOf(await authorize({ client_id: 'strict', ...spaRequest }))).toBe('invalid_request');
    expect(started(await authorize({ client_id: 'strict', request: await sign('strict', keys.jar) }))).toBeDefined();
    expect(started(await authorize({ client_id: 'jar', ...spaRequest }))).toBeDefined();
    const everyone = setup({ requestObjects: { required: true } });
    expect(errorCodeOf(await everyone.authorize({ client_id: 'jar', ...spaRequest }))).toBe('invalid_request');
  });

  it('is advertised in discovery', async () => {
    const { server } = setup({ requestObjects: { required: true } });
    const r = await server.handle(httpRequest({ method: 'GET', path: '/.well-known/openid-configuration' }));
    expect(body(r)).toMatchObject({ request_parameter_supported: true, request_uri_parameter_supported: false, require_signed_request_object: true });
    expect(body(r)['request_object_signing_alg_values_supported']).toContain('ES256');
    expect(body(r)['request_object_signing_alg_values_supported']).not.toContain('none');
  });
});

describe('request objects at the pushed authorization request endpoint (RFC 9126 §3)', () => {
  it('the pushed object is verified; its parameters (not the form\'s) are the pushed request', async () => {
    const { push, authorize, started } = setup();
    const request = await sign('web', keys.jar, { redirect_uri: 'https://rp.example.test/cb' });
    const r = await push({ request, state: 'outer', scope: 'openid' }, basic('web', 'secret'));
    expect(r).toMatchObject({ status: 201 });
    const record = started(await authorize({ client_id: 'web', request_uri: String(body(r)['request_uri']) }));
    expect(record).toMatchObject({ state: 'signed-state', scope: ['openid', 'profile'], redirectUri: 'https://rp.example.test/cb' });
  });

  it('a bad object is 400 invalid_request_object; a client requiring signed objects must push one', async () => {
    const { push } = setup();
    expect(await push({ client_id: 'jar', request: await sign('jar', keys.other, {}, { kid: 'jar-1' }) })).toMatchObject({ status: 400, body: { error: 'invalid_request_object' } });
    expect(await push({ client_id: 'jar', request: await sign('jar', keys.jar, { client_id: 'other' }) })).toMatchObject({ status: 400, body: { error: 'invalid_request_object' } });
    expect(await push({ client_id: 'strict', ...spaRequest })).toMatchObject({ status: 400, body: { error: 'invalid_request' } });
    expect(await push({ client_id: 'strict', request: await sign('strict', keys.jar) })).toMatchObject({ status: 201 });
  });
});

describe('request object invariants (properties)', () => {
  const outerValues = fc.record(
    {
      state: fc.stringMatching(/^[A-Za-z0-9]{1,12}$/),
      scope: fc.constantFrom('openid', 'profile', 'openid email'),
      redirect_uri: fc.constantFrom('https://spa.example.test/cb', 'https://evil.example/cb'),
      code_challenge: fc.constant(otherChallenge),
      response_type: fc.constantFrom('code', 'token'),
      nonce: fc.stringMatching(/^[a-z]{1,8}$/),
    },
    { requiredKeys: [] },
  );

  it('no query parameter overrides or adds to a request object\'s parameters', async () => {
    await fc.assert(
      fc.asyncProperty(outerValues, async (outer) => {
        const { authorize, started } = setup();
        const record = started(await authorize({ ...outer, client_id: 'jar', request: await sign('jar', keys.jar) }));
        expect(record).toMatchObject({ redirectUri: spaRequest.redirect_uri, state: spaRequest.state, scope: ['openid', 'profile'], pkce: { challenge } });
        expect(record?.nonce).toBeUndefined();
      }),
      { numRuns: 25 },
    );
  });

  it('an object signed by another registered client\'s key is refused, whatever it claims', async () => {
    await fc.assert(
      fc.asyncProperty(fc.constantFrom('jar', 'other', 'strict'), fc.boolean(), async (claimed, withKid) => {
        const { authorize, push } = setup();
        // The key of the client that does NOT match the outer client_id `jar`/`strict` (keys.other), or keys.jar for `other`.
        const key = claimed === 'other' ? keys.jar : keys.other;
        const request = await sign(claimed, key, {}, withKid ? {} : { kid: undefined });
        expect(errorCodeOf(await authorize({ client_id: claimed, request }))).toBe('invalid_request_object');
        expect(await push({ client_id: claimed, request })).toMatchObject({ status: 400, body: { error: 'invalid_request_object' } });
      }),
      { numRuns: 12 },
    );
  });
});
