/** Client admin operations, checked through the token endpoint's client authentication. */
import { describe, expect, it } from 'vitest';
import fc from 'fast-check';
import { SignJWT, calculateJwkThumbprint, importJWK } from 'jose';
import type { Client } from '../domain/client.js';
import type { HttpResponse } from '../http/http-response.js';
import { privateJwkMembers } from '../keys/lifecycle.js';
import type { Random } from '../ports/runtime.js';
import { createAuthorizationServer } from '../server/create-authorization-server.js';
import { memoryAuthorizationCodes, memoryClients, memoryConsents, memoryDeviceCodes, memoryInteractions, testClock, testLogger, testRandom, testSecrets, webClient } from '../test/fake-ports.js';
import { basic, formPost } from '../test/token-service-fixture.js';
import { memoryAccessTokens, memoryRefreshTokens, memoryReplay } from '../test/token-fakes.js';
import type { Settled } from './settle.js';
import { clientAdmin, rotatedSecretHashes } from './client-admin.js';

const issuer = 'https://as.example.test';

const setup = () => {
  const clock = testClock(1_800_000_000);
  const tokenSizes: number[] = [];
  const base = testRandom();
  const random: Random = { token: (n) => (tokenSizes.push(n), base.token(n)), int: base.int };
  const clients = memoryClients([
    webClient({ clientId: 'svc', grantTypes: ['client_credentials'], scope: ['api:read'], secretHashes: [{ hash: testSecrets.hash('first') }] }),
    webClient({ clientId: 'pk', grantTypes: ['client_credentials'], scope: ['api:read'], secretHashes: [], tokenEndpointAuthMethod: 'private_key_jwt', jwks: { keys: [] } }),
    webClient({ clientId: 'spa', secretHashes: [], tokenEndpointAuthMethod: 'none' }),
    webClient({ clientId: 'remote', secretHashes: [], tokenEndpointAuthMethod: 'private_key_jwt', jwksUri: 'https://rp.example.test/jwks' }),
  ]);
  const ports = {
    clock,
    random,
    secrets: testSecrets,
    logger: testLogger(),
    clients,
    accessTokens: memoryAccessTokens(),
    refreshTokens: memoryRefreshTokens(),
    authorizationCodes: memoryAuthorizationCodes(),
    replay: memoryReplay(),
    interactions: memoryInteractions(),
    consents: memoryConsents(),
    deviceCodes: memoryDeviceCodes(),
  };
  const server = createAuthorizationServer({ issuer }, ports);
  const withSecret = (secret: string) => server.handle(formPost('/token', { grant_type: 'client_credentials', scope: 'api:read' }, basic('svc', secret)));
  return { server, ports, clock, clients, tokenSizes, withSecret };
};

const right = <A>(r: Settled<A>): A => {
  if (r._tag === 'Failed') throw new Error(`unexpected ${r.error.code}: ${r.error.detail ?? r.error.description}`);
  return r.value;
};
const leftCode = <A>(r: Settled<A>): string => (r._tag === 'Failed' ? r.error.code : 'right');
const ok = (r: HttpResponse) => r.status === 200;

describe('rotateClientSecret', () => {
  it('with an overlap both secrets authenticate until it ends, then only the new one', async () => {
    const { ports, clock, withSecret, tokenSizes, clients } = setup();
    const rotated = right(await clientAdmin(ports).rotateClientSecret('svc', { overlapSeconds: 3600 }));
    expect(tokenSizes).toEqual([32]);
    expect(rotated.previousExpiresAt).toBe(1_800_000_000 + 3600);
    expect(clients.all.get('svc')?.secretHashes).toEqual([{ hash: testSecrets.hash(rotated.clientSecret) }, { hash: testSecrets.hash('first'), expiresAt: 1_800_003_600 }]);
    expect(ok(await withSecret('first'))).toBe(true);
    expect(ok(await withSecret(rotated.clientSecret))).toBe(true);
    clock.advance(3600);
    expect((await withSecret('first')).status).toBe(401);
    expect(ok(await withSecret(rotated.clientSecret))).toBe(true);
  });

  it('without an overlap the old secret stops at once; the clear secret is never stored', async () => {
    const { ports, withSecret, clients } = setup();
    const rotated = right(await clientAdmin(ports).rotateClientSecret('svc'));
    expect(rotated.previousExpiresAt).toBeUndefined();
    expect((await withSecret('first')).status).toBe(401);
    expect(ok(await withSecret(rotated.clientSecret))).toBe(true);
    expect(JSON.stringify(clients.all.get('svc'))).not.toContain(`"${rotated.clientSecret}"`);
  });

  it('two rotations in an overlap: the first new secret keeps working with the latest', async () => {
    const { ports, clock, withSecret } = setup();
    const a = right(await clientAdmin(ports).rotateClientSecret('svc', { overlapSeconds: 600 }));
    clock.advance(100);
    const b = right(await clientAdmin(ports).rotateClientSecret('svc', { overlapSeconds: 600 }));
    clock.advance(550);
    expect((await withSecret('first')).status).toBe(401);
    expect(ok(await withSecret(a.clientSecret))).toBe(true);
    expect(ok(await withSecret(b.clientSecret))).toBe(true);
  });

  it('unknown client, a client without a secret, a bad overlap: errors, nothing saved', async () => {
    const { ports, clients } = setup();
    const before = new Map(clients.all);
    expect(leftCode(await clientAdmin(ports).rotateClientSecret('nobody'))).toBe('invalid_client');
    expect(leftCode(await clientAdmin(ports).rotateClientSecret('spa'))).toBe('invalid_request');
    expect(leftCode(await clientAdmin(ports).rotateClientSecret('pk'))).toBe('invalid_request');
    for (const overlapSeconds of [-1, 1.5, Number.NaN]) expect(leftCode(await clientAdmin(ports).rotateClientSecret('svc', { overlapSeconds }))).toBe('invalid_request');
    expect(clients.all).toEqual(before);
  });

  it('property: the new hash comes first without expiry; kept hashes never outlive now + overlap; none already expired', () => {
    fc.assert(
      fc.property(
        fc.array(fc.record({ hash: fc.string(), expiresAt: fc.option(fc.integer({ min: 0, max: 2_000 }), { nil: undefined }) })),
        fc.integer({ min: 0, max: 2_000 }),
        fc.integer({ min: 0, max: 1_000 }),
        (previous, now, overlap) => {
          const hashes = previous.map((p) => (p.expiresAt === undefined ? { hash: p.hash } : { hash: p.hash, expiresAt: p.expiresAt }));
          const [first, ...rest] = rotatedSecretHashes(hashes, 'new', now, overlap);
          expect(first).toEqual({ hash: 'new' });
          if (overlap === 0) expect(rest).toEqual([]);
          for (const r of rest) {
            expect(r.expiresAt).toBeDefined();
            expect(r.expiresAt!).toBeGreaterThan(now);
            expect(r.expiresAt!).toBeLessThanOrEqual(now + overlap);
          }
        },
      ),
    );
  });
});

const assertionFor = async (clientId: string, privateJwk: Record<string, unknown>, alg: string, n: number): Promise<string> =>
  new SignJWT({ jti: `jti-${n}` })
    .setProtectedHeader({ alg, kid: String(privateJwk['kid']) })
    .setIssuer(clientId)
    .setSubject(clientId)
    .setAudience(issuer)
    .setIssuedAt(1_800_000_000)
    .setExpirationTime(1_800_000_060)
    .sign(await importJWK(privateJwk as never, alg));

const pkToken = (server: ReturnType<typeof setup>['server'], assertion: string) =>
  server.handle(
    formPost(
      '/token',
      { grant_type: 'client_credentials', scope: 'api:read', client_assertion_type: 'urn:ietf:params:oauth:client-assertion-type:jwt-bearer', client_assertion: assertion },
      null,
    ),
  );

describe('generateClientKeyPair', () => {
  it('ES256: the private key signs private_key_jwt assertions the token endpoint accepts; only the public key is stored', async () => {
    const { ports, server, clients } = setup();
    const pair = right(await clientAdmin(ports).generateClientKeyPair('pk', { alg: 'ES256' }));
    expect(pair.kid).toBe(await calculateJwkThumbprint(pair.publicJwk as never));
    expect(pair.publicJwk).toMatchObject({ kty: 'EC', crv: 'P-256', kid: pair.kid, alg: 'ES256', use: 'sig' });
    const stored: Client | undefined = clients.all.get('pk');
    expect(stored?.jwks?.keys).toEqual([pair.publicJwk]);
    for (const m of privateJwkMembers) expect(stored?.jwks?.keys[0]).not.toHaveProperty(m);
    expect(pair.privateJwk).toHaveProperty('d');
    expect(ok(await pkToken(server, await assertionFor('pk', pair.privateJwk, 'ES256', 1)))).toBe(true);
  });

  it('previous keys are kept (both sign) unless replace: true', async () => {
    const { ports, server, clients } = setup();
    const admin = clientAdmin(ports);
    const a = right(await admin.generateClientKeyPair('pk', { alg: 'ES256' }));
    const b = right(await admin.generateClientKeyPair('pk', { alg: 'EdDSA' }));
    expect(clients.all.get('pk')?.jwks?.keys.map((k) => k.kid)).toEqual([a.kid, b.kid]);
    expect(ok(await pkToken(server, await assertionFor('pk', a.privateJwk, 'ES256', 2)))).toBe(true);
    expect(ok(await pkToken(server, await assertionFor('pk', b.privateJwk, 'EdDSA', 3)))).toBe(true);
    const c = right(await admin.generateClientKeyPair('pk', { alg: 'ES256', replace: true }));
    expect(clients.all.get('pk')?.jwks?.keys.map((k) => k.kid)).toEqual([c.kid]);
    expect((await pkToken(server, await assertionFor('pk', a.privateJwk, 'ES256', 4))).status).toBe(401);
  });

  it('RS256 and PS256 keys are RSA with their alg', async () => {
    const { ports } = setup();
    for (const alg of ['RS256', 'PS256'] as const) {
      const pair = right(await clientAdmin(ports).generateClientKeyPair('pk', { alg }));
      expect(pair.publicJwk).toMatchObject({ kty: 'RSA', alg, use: 'sig' });
      expect(pair.publicJwk).not.toHaveProperty('d');
    }
  });

  it('an unknown client and a jwks_uri client are refused', async () => {
    const { ports } = setup();
    expect(leftCode(await clientAdmin(ports).generateClientKeyPair('nobody', { alg: 'ES256' }))).toBe('invalid_client');
    expect(leftCode(await clientAdmin(ports).generateClientKeyPair('remote', { alg: 'ES256' }))).toBe('invalid_request');
  });
});
