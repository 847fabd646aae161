/** `AuthorizationServer.keys`: rotating and reloading the running server's signing keys. */
import { describe, expect, it } from 'vitest';
import * as E from 'fp-ts/lib/Either.js';
import * as TE from 'fp-ts/lib/TaskEither.js';
import { decodeProtectedHeader } from 'jose';
import { storeError } from '../errors/store-error.js';
import { httpRequest } from '../http/http-request.js';
import type { HttpResponse } from '../http/http-response.js';
import { memoryKeyStore } from '../keys/key-stores.js';
import { verifyJws } from '../keys/verify.js';
import type { JwkSet, KeyStore, Signer } from '../ports/keys.js';
import { memoryAuthorizationCodes, memoryClients, memoryConsents, memoryDeviceCodes, memoryInteractions, testClock, testLogger, testRandom, testSecrets, webClient } from '../test/fake-ports.js';
import { basic, formPost } from '../test/token-service-fixture.js';
import { memoryAccessTokens, memoryRefreshTokens, memoryReplay } from '../test/token-fakes.js';
import type { KeyOperationResult } from '../host/key-rotation.js';
import { createAuthorizationServer } from './create-authorization-server.js';

const issuer = 'https://as.example.test';
const bodyOf = (r: HttpResponse) => (r._tag === 'Json' ? (r.body as Record<string, unknown>) : {});

const setup = (extra: { keys?: KeyStore; signer?: Signer } = {}) => {
  const clock = testClock(1_800_000_000);
  const ports = {
    clock,
    random: testRandom(),
    secrets: testSecrets,
    logger: testLogger(),
    clients: memoryClients([webClient({ clientId: 'jwtc', accessTokenFormat: 'jwt', grantTypes: ['client_credentials'], scope: ['api:read'] })]),
    accessTokens: memoryAccessTokens(),
    refreshTokens: memoryRefreshTokens(),
    authorizationCodes: memoryAuthorizationCodes(),
    replay: memoryReplay(),
    interactions: memoryInteractions(),
    consents: memoryConsents(),
    deviceCodes: memoryDeviceCodes(),
    keys: extra.keys ?? memoryKeyStore(),
    ...(extra.signer === undefined ? {} : { signer: extra.signer }),
  };
  const server = createAuthorizationServer({ issuer }, ports);
  const token = async (): Promise<string> => {
    const r = await server.handle(formPost('/token', { grant_type: 'client_credentials', scope: 'api:read' }, basic('jwtc', 'secret')));
    expect(r.status).toBe(200);
    return String(bodyOf(r)['access_token']);
  };
  const jwks = async (): Promise<JwkSet> => bodyOf(await server.handle(httpRequest({ method: 'GET', path: '/jwks' }))) as unknown as JwkSet;
  return { server, clock, token, jwks };
};

const done = (r: KeyOperationResult | undefined) => {
  if (r?._tag !== 'Done') throw new Error(`key operation: ${JSON.stringify(r)}`);
  return r;
};

describe('server.keys', () => {
  it('rotate: a token signed before still verifies against the published JWKS and the bearer check; new tokens use the new active key', async () => {
    const { server, token, jwks } = setup();
    const before = await token();
    const oldKid = decodeProtectedHeader(before).kid;
    const rotated = done(await server.keys?.rotate());
    // JWT access tokens are signed ES256 by default.
    const newEs256 = rotated.active.find((k) => k.alg === 'ES256');
    expect(newEs256?.kid).toBeDefined();
    expect(newEs256?.kid).not.toBe(oldKid);
    const published = await jwks();
    expect(published.keys.map((k) => k['kid'])).toContain(oldKid);
    expect(published.keys.map((k) => k['kid'])).toContain(newEs256?.kid);
    expect(rotated.jwks.keys.map((k) => k['kid']).sort()).toEqual(published.keys.map((k) => k['kid']).sort());
    expect(E.isRight(await verifyJws(before, published)())).toBe(true);
    expect((await server.bearer(httpRequest({ method: 'GET', path: '/api', headers: { authorization: `Bearer ${before}` } })))._tag).toBe('Authorized');
    const after = await token();
    expect(decodeProtectedHeader(after).kid).toBe(newEs256?.kid);
    expect(E.isRight(await verifyJws(after, await jwks())())).toBe(true);
  });

  it('a retired key leaves the JWKS once every token it signed has expired', async () => {
    const { server, token, jwks, clock } = setup();
    const oldKid = decodeProtectedHeader(await token()).kid;
    done(await server.keys?.rotate());
    clock.advance(3600 + 30 + 1);
    done(await server.keys?.rotate());
    expect((await jwks()).keys.map((k) => k['kid'])).not.toContain(oldKid);
  });

  it('reload: a server sharing the key store picks up another instance’s rotation', async () => {
    const shared = memoryKeyStore();
    const a = setup({ keys: shared });
    const b = setup({ keys: { load: () => shared.load(), save: (s) => shared.save(s) } });
    await a.token();
    await b.token();
    const rotated = done(await a.server.keys?.rotate());
    const newKid = rotated.active.find((k) => k.alg === 'ES256')?.kid;
    expect(decodeProtectedHeader(await b.token()).kid).not.toBe(newKid);
    const reloaded = done(await b.server.keys?.reload());
    expect(reloaded.active).toEqual(rotated.active);
    expect(decodeProtectedHeader(await b.token()).kid).toBe(newKid);
  });

  it('a failing key store is a Failed result, never a rejection', async () => {
    const broken: KeyStore = { load: () => TE.left(storeError('kms down', { transient: true })), save: () => TE.left(storeError('kms down')) };
    const { server } = setup({ keys: broken });
    const r = await server.keys?.rotate();
    expect(r?._tag).toBe('Failed');
    expect((await server.keys?.reload())?._tag).toBe('Failed');
  });

  it('absent for a custom signer that cannot rotate', () => {
    const signer: Signer = { sign: () => TE.left(storeError('unused')), publicJwks: () => TE.right({ keys: [] }), algorithms: () => ['RS256'] };
    expect(setup({ signer }).server.keys).toBeUndefined();
  });
});
