/**
 * The operator's operations (`adminOperations` from `@grantor/core`) over the memory store, checked through the
 * real authorization server: what an operator changes takes effect at the token and introspection endpoints at once.
 */
import { describe, expect, it } from 'vitest';
import { adminOperations, clientMetadataView, createAuthorizationServer, httpRequest, type HttpResponse, type Settled } from '@grantor/core';
import { fakeRuntime } from '@grantor/testkit';
import { createMemoryStore } from './index.js';

const issuer = 'https://as.example.test';

const setup = () => {
  const runtime = fakeRuntime({ seed: 7, now: 1_800_000_000 });
  const store = createMemoryStore({ clock: runtime.clock });
  const server = createAuthorizationServer({ issuer, grantTypes: ['client_credentials'] }, { ...store, ...runtime });
  const admin = adminOperations({ ...store, ...runtime, ...(server.keys === undefined ? {} : { rotation: server.keys }) });
  const post = (path: string, form: Record<string, string>, id: string, secret: string) =>
    server.handle(
      httpRequest({
        method: 'POST',
        path,
        headers: { 'content-type': 'application/x-www-form-urlencoded', authorization: `Basic ${Buffer.from(`${id}:${secret}`).toString('base64')}` },
        body: new TextEncoder().encode(new URLSearchParams(form).toString()),
      }),
    );
  const token = (id: string, secret: string, scope = 'api:read') => post('/token', { grant_type: 'client_credentials', scope }, id, secret);
  const introspect = (id: string, secret: string, value: string) => post('/introspect', { token: value }, id, secret);
  return { runtime, store, server, admin, token, introspect };
};

const done = <A>(r: Settled<A>): A => {
  if (r._tag === 'Failed') throw new Error(`unexpected ${r.error.code}: ${r.error.detail ?? r.error.description}`);
  return r.value;
};
const failed = <A>(r: Settled<A>): string => (r._tag === 'Failed' ? r.error.code : 'done');
const body = (r: HttpResponse): Record<string, unknown> => (r._tag === 'Json' ? (r.body as Record<string, unknown>) : {});
const svc = { client_name: 'svc', grant_types: ['client_credentials'], response_types: [], scope: 'api:read api:write' };

describe('adminOperations: clients', () => {
  it('create returns a generated client_id and secret once; the client works at once; only the hash is stored', async () => {
    const { admin, token, store } = setup();
    const created = done(await admin.clients.create(svc));
    expect(created.clientSecret).toMatch(/^[A-Za-z0-9_-]{43}$/);
    expect(created.client.clientId).toMatch(/^[A-Za-z0-9_-]{22}$/);
    expect((await token(created.client.clientId, created.clientSecret ?? '')).status).toBe(200);
    expect((await token(created.client.clientId, 'wrong')).status).toBe(401);
    expect(JSON.stringify(store.stats())).not.toContain(created.clientSecret);
    expect(JSON.stringify(done(await admin.clients.get(created.client.clientId)))).not.toContain(created.clientSecret);
  });

  it('create refuses bad metadata (naming the member) and a taken client_id', async () => {
    const { admin } = setup();
    const bad = await admin.clients.create({ ...svc, redirect_uris: ['https://x.example/cb#frag'], grant_types: ['authorization_code'] });
    expect(bad._tag === 'Failed' && bad.error.description).toContain('redirect_uris');
    done(await admin.clients.create({ ...svc, client_id: 'fixed' }));
    expect(failed(await admin.clients.create({ ...svc, client_id: 'fixed' }))).toBe('invalid_request');
    expect(failed(await admin.clients.create('not an object'))).toBe('invalid_request');
  });

  it('update changes metadata (scope takes effect), keeps the secret, and 404s an unknown client', async () => {
    const { admin, token } = setup();
    const { client, clientSecret = '' } = done(await admin.clients.create(svc));
    expect((await token(client.clientId, clientSecret, 'api:write')).status).toBe(200);
    const updated = done(await admin.clients.update(client.clientId, { scope: 'api:read', client_name: 'renamed', client_id: 'ignored' }));
    expect(updated.clientSecret).toBeUndefined();
    expect(clientMetadataView(updated.client)).toMatchObject({ client_id: client.clientId, client_name: 'renamed', scope: 'api:read' });
    expect(body(await token(client.clientId, clientSecret, 'api:write'))['error']).toBe('invalid_scope');
    expect((await token(client.clientId, clientSecret, 'api:read')).status).toBe(200);
    expect(failed(await admin.clients.update('nobody', { scope: 'x' }))).toBe('not_found');
  });

  it('disable makes the client unknown and revokes its tokens; enable restores it (new tokens only)', async () => {
    const { admin, token, introspect } = setup();
    const a = done(await admin.clients.create(svc));
    const b = done(await admin.clients.create(svc));
    const issued = body(await token(a.client.clientId, a.clientSecret ?? ''))['access_token'] as string;
    expect(body(await introspect(a.client.clientId, a.clientSecret ?? '', issued))['active']).toBe(true);
    done(await admin.clients.setDisabled(a.client.clientId, true));
    expect((await token(a.client.clientId, a.clientSecret ?? '')).status).toBe(401);
    expect(body(await introspect(b.client.clientId, b.clientSecret ?? '', issued))['active']).toBe(false);
    expect(clientMetadataView(done(await admin.clients.get(a.client.clientId)))['disabled']).toBe(true);
    done(await admin.clients.setDisabled(a.client.clientId, false));
    expect((await token(a.client.clientId, a.clientSecret ?? '')).status).toBe(200);
    expect(body(await introspect(b.client.clientId, b.clientSecret ?? '', issued))['active']).toBe(false);
  });

  it('delete removes the client and its tokens; list pages through the rest', async () => {
    const { admin, token, store } = setup();
    const ids: string[] = [];
    for (let i = 0; i < 5; i++) ids.push(done(await admin.clients.create({ ...svc, client_id: `c${i}` })).client.clientId);
    const gone = done(await admin.clients.create({ ...svc, client_id: 'gone' }));
    await token('gone', gone.clientSecret ?? '');
    expect(store.stats().accessTokens).toBe(1);
    done(await admin.clients.remove('gone'));
    expect(store.stats().accessTokens).toBe(0);
    expect((await token('gone', gone.clientSecret ?? '')).status).toBe(401);
    expect(failed(await admin.clients.remove('gone'))).toBe('not_found');
    const first = done(await admin.clients.list({ limit: 3 }));
    expect(first.items.map((c) => c.clientId)).toEqual(['c0', 'c1', 'c2']);
    const second = done(await admin.clients.list({ limit: 3, ...(first.next === undefined ? {} : { cursor: first.next }) }));
    expect(second.items.map((c) => c.clientId)).toEqual(['c3', 'c4']);
    expect(second.next).toBeUndefined();
  });

  it('rotateSecret through the same object: the old secret stops, the new one works', async () => {
    const { admin, token } = setup();
    const { client, clientSecret = '' } = done(await admin.clients.create(svc));
    const rotated = done(await admin.clients.rotateSecret(client.clientId));
    expect((await token(client.clientId, clientSecret)).status).toBe(401);
    expect((await token(client.clientId, rotated.clientSecret)).status).toBe(200);
  });
});

describe('adminOperations: tokens and consents', () => {
  it('lists tokens by client with their status, revokes one, and revokes all of a client', async () => {
    const { admin, token, introspect } = setup();
    const a = done(await admin.clients.create(svc));
    const t1 = body(await token(a.client.clientId, a.clientSecret ?? ''))['access_token'] as string;
    const t2 = body(await token(a.client.clientId, a.clientSecret ?? ''))['access_token'] as string;
    const listed = done(await admin.tokens.list({ limit: 10, clientId: a.client.clientId }));
    expect(listed.items).toHaveLength(2);
    expect(listed.items.every((t) => t.status === 'active' && t.kind === 'access_token' && t.clientId === a.client.clientId)).toBe(true);
    expect(JSON.stringify(listed)).not.toContain(t1);
    const first = listed.items[0];
    if (first === undefined) throw new Error('no token');
    done(await admin.tokens.revoke('access_token', first.id));
    const statuses = done(await admin.tokens.list({ limit: 10, clientId: a.client.clientId })).items.map((t) => t.status).sort();
    expect(statuses).toEqual(['active', 'revoked']);
    expect(done(await admin.tokens.revokeOf({ clientId: a.client.clientId }))).toBe(1);
    expect(body(await introspect(a.client.clientId, a.clientSecret ?? '', t1))['active']).toBe(false);
    expect(body(await introspect(a.client.clientId, a.clientSecret ?? '', t2))['active']).toBe(false);
    expect(done(await admin.tokens.list({ limit: 10, status: 'active' })).items).toEqual([]);
    expect(failed(await admin.tokens.revoke('access_token', 'no-such-token'))).toBe('not_found');
  });

  it('lists and revokes consents', async () => {
    const { admin, store } = setup();
    await store.consents.grant({ subject: 'alice', clientId: 'web', scope: ['openid'], grantedAt: 1 })();
    await store.consents.grant({ subject: 'bob', clientId: 'web', scope: ['openid'], grantedAt: 1 })();
    expect(done(await admin.consents.list({ limit: 10, clientId: 'web' })).items.map((c) => c.subject)).toEqual(['alice', 'bob']);
    expect(done(await admin.consents.revoke({ subject: 'alice' }))).toBe(1);
    expect(done(await admin.consents.list({ limit: 10 })).items.map((c) => c.subject)).toEqual(['bob']);
  });
});

describe('adminOperations: signing keys', () => {
  it('lists keys without private members, rotates, and retires a key out of the JWKS', async () => {
    const { admin, server } = setup();
    const jwks = async () => body(await server.handle(httpRequest({ method: 'GET', path: '/jwks' })))['keys'] as { kid: string }[];
    await jwks();
    const before = done(await admin.keys.list());
    expect(before.filter((k) => k.status === 'active').map((k) => k.alg).sort()).toEqual(['ES256', 'RS256']);
    expect(JSON.stringify(before)).not.toMatch(/"d":/);
    const after = done(await admin.keys.rotate());
    const activeBefore = before.filter((k) => k.status === 'active').map((k) => k.kid);
    expect(after.filter((k) => k.status === 'retired').map((k) => k.kid).sort()).toEqual([...activeBefore].sort());
    const victim = after.find((k) => k.status === 'active' && k.alg === 'RS256');
    if (victim === undefined) throw new Error('no active RS256 key');
    done(await admin.keys.retire(victim.kid, { unpublish: true }));
    expect((await jwks()).map((k) => k.kid)).not.toContain(victim.kid);
    const now = done(await admin.keys.list());
    expect(now.some((k) => k.status === 'active' && k.alg === 'RS256')).toBe(true);
    expect(failed(await admin.keys.retire('no-such-kid'))).toBe('not_found');
  });
});

describe('adminOperations: dynamically registered clients (RFC 7591)', () => {
  const now = 1_800_000_000;
  const day = 86_400;
  const registered = (clientId: string, daysAgo: number, secret?: string) => ({
    clientId,
    clientName: clientId,
    secretHashes: secret === undefined ? [] : [{ hash: setupSecrets.hash(secret) }],
    redirectUris: [],
    postLogoutRedirectUris: [],
    grantTypes: ['client_credentials'],
    responseTypes: [],
    scope: ['api:read'],
    tokenEndpointAuthMethod: 'client_secret_basic' as const,
    registration: { accessTokenHash: `hash-${clientId}`, registeredAt: now - daysAgo * day },
  });
  const setupSecrets = fakeRuntime({ seed: 7, now }).secrets;

  it('lists only the dynamic or only the static clients; purges the old ones, optionally only the unused, never a static one', async () => {
    const { store, admin, token } = setup();
    const fixed = done(await admin.clients.create(svc)).client.clientId;
    for (const c of [registered('dyn-new', 1), registered('dyn-old', 40), registered('dyn-old-used', 45, 'a-secret-of-at-least-32-characters!!'), registered('dyn-ancient', 400)]) {
      await store.clients.save(c)();
    }
    expect((await token('dyn-old-used', 'a-secret-of-at-least-32-characters!!')).status).toBe(200);
    expect(done(await admin.clients.list({ limit: 10, registered: 'dynamic' })).items.map((c) => c.clientId)).toEqual(['dyn-ancient', 'dyn-new', 'dyn-old', 'dyn-old-used']);
    expect(done(await admin.clients.list({ limit: 10, registered: 'static' })).items.map((c) => c.clientId)).toEqual([fixed]);

    const dry = done(await admin.clients.purgeRegistered({ olderThanSeconds: 30 * day, unusedOnly: true, dryRun: true }));
    expect([...dry.clientIds].sort()).toEqual(['dyn-ancient', 'dyn-old']);
    expect(done(await admin.clients.list({ limit: 10, registered: 'dynamic' })).items).toHaveLength(4);

    const unused = done(await admin.clients.purgeRegistered({ olderThanSeconds: 30 * day, unusedOnly: true }));
    expect([...unused.clientIds].sort()).toEqual(['dyn-ancient', 'dyn-old']);
    const rest = done(await admin.clients.purgeRegistered({ olderThanSeconds: 30 * day }));
    expect(rest.clientIds).toEqual(['dyn-old-used']);
    expect(done(await admin.clients.list({ limit: 10 })).items.map((c) => c.clientId).sort()).toEqual(['dyn-new', fixed].sort());
    expect(failed(await admin.clients.purgeRegistered({ olderThanSeconds: -1 }))).toBe('invalid_request');
  });
});
