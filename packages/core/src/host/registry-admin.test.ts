/** The scope and resource registry: admin operations, seeding, and the core reading it at request time. */
import { describe, expect, it } from 'vitest';
import * as E from 'fp-ts/lib/Either.js';
import * as TE from 'fp-ts/lib/TaskEither.js';
import fc from 'fast-check';
import type { Client } from '../domain/client.js';
import type { AdminStore } from '../ports/admin.js';
import { httpRequest } from '../http/http-request.js';
import type { HttpResponse } from '../http/http-response.js';
import { createAuthorizationServer } from '../server/create-authorization-server.js';
import { memoryAuthorizationCodes, memoryClients, memoryConsents, memoryDeviceCodes, memoryInteractions, testClock, testLogger, testRandom, testSecrets, webClient } from '../test/fake-ports.js';
import { countingRegistry } from '../test/registry-fake.js';
import { basic, formPost } from '../test/token-service-fixture.js';
import { memoryAccessTokens, memoryRefreshTokens, memoryReplay } from '../test/token-fakes.js';
import { adminOperations } from './admin-operations.js';
import { seedRegistry } from './registry-admin.js';
import type { Settled } from './settle.js';

const issuer = 'https://as.example.test';
const api = 'https://api.example.test/';

const right = <A>(r: Settled<A>): A => {
  if (r._tag === 'Failed') throw new Error(`unexpected ${r.error.code}: ${r.error.detail ?? r.error.description}`);
  return r.value;
};
const failed = <A>(r: Settled<A>): string => (r._tag === 'Failed' ? `${r.error.code}: ${r.error.description}` : 'done');

/** An admin store whose client list is the given clients (the registry operations read nothing else of it). */
const adminOver = (clients: () => readonly Client[]): AdminStore => ({
  listClients: () => TE.right({ items: clients() }),
  deleteClient: () => TE.right(false),
  listTokens: () => TE.right({ items: [] }),
  countActiveTokens: () => TE.right({ accessTokens: 0, refreshTokens: 0 }),
  revokeTokens: () => TE.right(0),
  listConsents: () => TE.right({ items: [] }),
  revokeConsents: () => TE.right(0),
});

const setup = () => {
  const registry = countingRegistry([{ name: 'api:read', optional: false }], [{ identifier: api, scopes: ['api:read'], clientIds: [], accessTokenLifetime: 120 }]);
  const clients = memoryClients([webClient({ clientId: 'svc', grantTypes: ['client_credentials'], scope: ['api:read'], secretHashes: [{ hash: testSecrets.hash('s3cret') }] })]);
  const ports = {
    clock: testClock(1_800_000_000),
    random: testRandom(),
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
    registry,
    admin: adminOver(() => [...clients.all.values()]),
  };
  // The configuration names another resource and scope: with a registry they are only a seed, never consulted.
  const server = createAuthorizationServer({ issuer, scopesSupported: ['config:only'], resources: [{ identifier: 'https://config-only.example.test/', scopes: ['api:read'] }] }, ports);
  const token = (params: Readonly<Record<string, string>>) => server.handle(formPost('/token', { grant_type: 'client_credentials', ...params }, basic('svc', 's3cret')));
  return { registry, ports, server, token, admin: adminOperations(ports) };
};

const body = (res: HttpResponse): Readonly<Record<string, unknown>> => ('body' in res ? (typeof res.body === 'string' ? JSON.parse(res.body) : res.body) : {}) as Readonly<Record<string, unknown>>;

describe('the registry at request time (RFC 8707 §2)', () => {
  it('client_credentials without resource reads nothing; with one, the registry decides (format, lifetime, unknown → invalid_target)', async () => {
    const { registry, token, admin } = setup();
    const plain = await token({ scope: 'api:read' });
    expect(plain.status).toBe(200);
    expect(registry.reads()).toBe(0);
    const targeted = await token({ scope: 'api:read', resource: api });
    expect(targeted.status).toBe(200);
    expect(body(targeted)['expires_in']).toBe(120);
    expect(registry.reads()).toBe(1);
    const configOnly = await token({ resource: 'https://config-only.example.test/' });
    expect(configOnly.status).toBe(400);
    expect(body(configOnly)['error']).toBe('invalid_target');
    // Added at runtime: usable at once, no restart.
    right(await admin.resources.create({ identifier: 'https://new.example.test/api', scope: 'api:read', access_token_lifetime: 60 }));
    const added = await token({ resource: 'https://new.example.test/api' });
    expect(body(added)['expires_in']).toBe(60);
    right(await admin.resources.remove('https://new.example.test/api'));
    expect((await token({ resource: 'https://new.example.test/api' })).status).toBe(400);
  });

  it("discovery's scopes_supported is the registry's, changed at runtime", async () => {
    const { server, admin } = setup();
    const scopes = async () => body(await server.handle(httpRequest({ method: 'GET', path: '/.well-known/openid-configuration' })))['scopes_supported'];
    expect(await scopes()).toEqual(['api:read']);
    right(await admin.scopes.create({ name: 'billing', description: 'Your invoices', optional: true }));
    expect(await scopes()).toEqual(['api:read', 'billing']);
  });
});

describe('registry admin operations', () => {
  it('scopes: create, update (description cleared, optional set), list, remove; duplicates and unknown names refused', async () => {
    const { admin } = setup();
    expect(right(await admin.scopes.create({ name: 'photos', description: 'Your photos' }))).toEqual({ name: 'photos', description: 'Your photos', optional: false });
    expect(failed(await admin.scopes.create({ name: 'photos' }))).toMatch(/invalid_request: .*already exists/);
    expect(right(await admin.scopes.update('photos', { optional: true, description: null }))).toEqual({ name: 'photos', optional: true });
    expect(right(await admin.scopes.list()).map((s) => s.name)).toEqual(['api:read', 'photos']);
    expect(failed(await admin.scopes.update('nope', {}))).toMatch(/^not_found/);
    right(await admin.scopes.remove('photos'));
    expect(failed(await admin.scopes.remove('photos'))).toMatch(/^not_found/);
  });

  it('refuses bad input with a clear message: openid optional, malformed names, a resource with unregistered scopes or a fragment', async () => {
    const { admin } = setup();
    expect(failed(await admin.scopes.create({ name: 'openid', optional: true }))).toMatch(/openid cannot be optional/);
    expect(failed(await admin.scopes.create({ name: 'two words' }))).toMatch(/scope token/);
    expect(failed(await admin.scopes.create('nope'))).toMatch(/JSON object/);
    expect(failed(await admin.resources.create({ identifier: 'https://x.example.test/', scope: 'api:read ghost' }))).toMatch(/does not list: ghost/);
    expect(failed(await admin.resources.create({ identifier: 'https://x.example.test/#f' }))).toMatch(/without a fragment/);
    expect(failed(await admin.resources.create({ identifier: 'https://x.example.test/', access_token_format: 'paseto' }))).toMatch(/opaque/);
    expect(failed(await admin.resources.update(api, { scope: 'ghost' }))).toMatch(/does not list: ghost/);
  });

  it("a scope in use (by a resource or a client) cannot be removed; a client's scopes must be registered", async () => {
    const { admin } = setup();
    expect(failed(await admin.scopes.remove('api:read'))).toMatch(/listed by resources/);
    right(await admin.resources.update(api, { scope: '' }));
    expect(failed(await admin.scopes.remove('api:read'))).toMatch(/used by clients: svc/);
    expect(failed(await admin.clients.create({ client_name: 'x', grant_types: ['client_credentials'], scope: 'api:read ghost' }))).toMatch(/does not list: ghost/);
    expect(failed(await admin.clients.update('svc', { scope: 'api:read ghost' }))).toMatch(/does not list: ghost/);
    right(await admin.clients.update('svc', { scope: 'api:read' }));
  });

  it('without a registry the operations answer invalid_request', async () => {
    const { ports } = setup();
    const { registry: _r, ...rest } = ports;
    expect(failed(await adminOperations(rest).scopes.list())).toMatch(/not available/);
  });
});

describe('seedRegistry', () => {
  it('property: adds only what is missing and never changes an entry the registry has; overwrite replaces', async () => {
    const name = fc.constantFrom('a', 'b', 'c', 'd');
    const entry = fc.record({ name, description: fc.constantFrom('seed', 'operator'), optional: fc.boolean() });
    await fc.assert(
      fc.asyncProperty(fc.uniqueArray(entry, { selector: (e) => e.name }), fc.uniqueArray(entry, { selector: (e) => e.name }), async (stored, seed) => {
        const registry = countingRegistry(stored);
        const written = await seedRegistry(registry, { scopes: seed, resources: [] })();
        const after = await registry.listScopes()();
        if (E.isLeft(after) || E.isLeft(written)) throw new Error('fake registry failed');
        for (const s of stored) expect(after.right.find((x) => x.name === s.name)).toEqual(s);
        for (const s of seed) if (!stored.some((x) => x.name === s.name)) expect(after.right.find((x) => x.name === s.name)).toEqual(s);
        expect(written.right).toBe(seed.filter((s) => !stored.some((x) => x.name === s.name)).length);
        await seedRegistry(registry, { scopes: seed, resources: [] }, true)();
        const replaced = await registry.listScopes()();
        if (E.isLeft(replaced)) throw new Error('fake registry failed');
        for (const s of seed) expect(replaced.right.find((x) => x.name === s.name)).toEqual(s);
      }),
    );
  });
});
