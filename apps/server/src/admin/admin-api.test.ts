/**
 * The admin HTTP API of the running reference server (spawned as the README starts it): authentication (bootstrap
 * token, an admin client's client_credentials token, refusals), every operation's effect at the protocol endpoints,
 * and every response checked against the OpenAPI 3.1 document the server publishes.
 */
import { randomBytes } from 'node:crypto';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createBrowser, formsOf } from '../e2e/browser.js';
import { authorize } from '../e2e/flows.js';
import { startServer, type Running } from '../e2e/harness.js';
import { responseChecker, validateOpenApi } from '../test/openapi-check.js';

const secret = () => randomBytes(24).toString('base64url');
const adminToken = randomBytes(32).toString('base64url');
const ids = { admin: `adm-${secret()}`, svc: `svc-${secret()}`, web: `web-${secret()}` };
const redirectUri = 'https://client.example.test/cb';
const secrets = { admin: secret(), svc: secret() };
const seed = {
  clients: [
    { client_id: ids.admin, client_secret: secrets.admin, grant_types: ['client_credentials'], response_types: [], scope: 'admin', token_endpoint_auth_method: 'client_secret_basic' },
    { client_id: ids.svc, client_secret: secrets.svc, grant_types: ['client_credentials'], response_types: [], scope: 'api:read', token_endpoint_auth_method: 'client_secret_basic' },
    { client_id: ids.web, grant_types: ['authorization_code'], response_types: ['code'], redirect_uris: [redirectUri], scope: 'openid profile', token_endpoint_auth_method: 'none' },
  ],
  users: [],
  // Scopes the tests' clients are created with: a client's scopes must be in the scope registry.
  scopes: [{ name: 'api:write', description: 'Change your data' }, { name: 'x' }],
};

const basic = (id: string, s: string) => `Basic ${Buffer.from(`${encodeURIComponent(id)}:${encodeURIComponent(s)}`).toString('base64')}`;

describe('admin HTTP API (/admin)', () => {
  let server: Running;
  let check: ReturnType<typeof responseChecker>;
  let clientToken: string;

  const tokenFor = async (id: string, s: string, scope: string) => {
    const res = await fetch(`${server.issuer}/token`, {
      method: 'POST',
      headers: { authorization: basic(id, s), 'content-type': 'application/x-www-form-urlencoded' },
      body: new URLSearchParams({ grant_type: 'client_credentials', scope }).toString(),
    });
    return { status: res.status, body: (await res.json()) as Record<string, unknown> };
  };

  /** One admin call; its response must match the OpenAPI document. */
  const call = async (method: string, path: string, body?: unknown, bearer: string | null = adminToken) => {
    const headers: Record<string, string> = {};
    if (bearer !== null) headers['authorization'] = `Bearer ${bearer}`;
    if (body !== undefined) headers['content-type'] = 'application/json';
    const res = await fetch(`${server.issuer}${path}`, { method, headers, ...(body === undefined ? {} : { body: typeof body === 'string' ? body : JSON.stringify(body) }) });
    const text = await res.text();
    const json = text === '' ? undefined : (JSON.parse(text) as Record<string, unknown>);
    const errors = check(method, path.split('?')[0] ?? path, res.status, json);
    expect(errors, `${method} ${path} → ${res.status} ${text}`).toEqual([]);
    return { status: res.status, json: json ?? {}, headers: res.headers };
  };

  beforeAll(async () => {
    server = await startServer(seed, { ADMIN_TOKEN: adminToken, REGISTRATION: 'open', TOKEN_USAGE_FLUSH_SECONDS: '1' });
    const doc = (await (await fetch(`${server.issuer}/admin/openapi.json`)).json()) as Parameters<typeof responseChecker>[0];
    check = responseChecker(doc);
    const t = await tokenFor(ids.admin, secrets.admin, 'admin');
    clientToken = t.body['access_token'] as string;
  });
  afterAll(async () => {
    await server?.stop();
  });

  it('publishes an OpenAPI 3.1 document that an OpenAPI validator accepts', async () => {
    const doc: unknown = await (await fetch(`${server.issuer}/admin/openapi.json`)).json();
    const result = await validateOpenApi(doc);
    expect(result.errors).toBeUndefined();
    expect(result.valid).toBe(true);
    expect(result.version).toBe('3.1');
    expect(doc).toMatchObject({ openapi: '3.1.0', servers: [{ url: server.issuer }] });
  });

  it('refuses callers without the bootstrap token or an admin client token; accepts both', async () => {
    expect((await call('GET', '/admin/clients', undefined, null)).status).toBe(401);
    expect((await call('GET', '/admin/clients', undefined, 'not-the-token')).status).toBe(401);
    const plain = await tokenFor(ids.svc, secrets.svc, 'api:read');
    expect((await call('GET', '/admin/clients', undefined, plain.body['access_token'] as string)).status).toBe(403);
    expect((await call('GET', '/admin/clients', undefined, clientToken)).status).toBe(200);
    expect((await call('GET', '/admin/clients')).status).toBe(200);
  });

  it('creates a client whose secret is shown once and works at once; updates, disables, enables, rotates, deletes it', async () => {
    const created = await call('POST', '/admin/clients', { client_name: 'svc2', grant_types: ['client_credentials'], response_types: [], scope: 'api:read api:write' });
    expect(created.status).toBe(201);
    const id = created.json['client_id'] as string;
    const s = created.json['client_secret'] as string;
    expect((await tokenFor(id, s, 'api:write')).status).toBe(200);
    const shown = await call('GET', `/admin/clients/${encodeURIComponent(id)}`);
    expect(shown.json).toMatchObject({ client_id: id, client_name: 'svc2', scope: 'api:read api:write', disabled: false });
    expect(JSON.stringify(shown.json)).not.toContain(s);

    expect((await call('PATCH', `/admin/clients/${id}`, { scope: 'api:read' })).json['scope']).toBe('api:read');
    expect((await tokenFor(id, s, 'api:write')).body['error']).toBe('invalid_scope');

    expect((await call('POST', `/admin/clients/${id}/disable`)).json['disabled']).toBe(true);
    expect((await tokenFor(id, s, 'api:read')).status).toBe(401);
    expect((await call('GET', '/admin/clients?disabled=true')).json['items']).toEqual([expect.objectContaining({ client_id: id })]);
    await call('POST', `/admin/clients/${id}/enable`);
    expect((await tokenFor(id, s, 'api:read')).status).toBe(200);

    const rotated = await call('POST', `/admin/clients/${id}/rotate-secret`, { overlap_seconds: 0 });
    expect((await tokenFor(id, s, 'api:read')).status).toBe(401);
    expect((await tokenFor(id, rotated.json['client_secret'] as string, 'api:read')).status).toBe(200);

    const pair = await call('POST', `/admin/clients/${id}/keys`, { alg: 'ES256' });
    expect(pair.status).toBe(201);
    expect(pair.json['private_jwk']).toMatchObject({ kty: 'EC', d: expect.any(String) });

    expect((await call('DELETE', `/admin/clients/${id}`)).status).toBe(204);
    expect((await tokenFor(id, rotated.json['client_secret'] as string, 'api:read')).status).toBe(401);
    expect((await call('GET', `/admin/clients/${id}`)).status).toBe(404);
    expect((await call('DELETE', `/admin/clients/${id}`)).status).toBe(404);
  });

  it('scope and resource registry: changes apply at once (discovery, resource tokens) and keep clients within it', async () => {
    expect((await call('GET', '/admin/scopes')).json['items']).toEqual(expect.arrayContaining([{ name: 'openid', description: expect.any(String), optional: false }, { name: 'api:write', description: 'Change your data', optional: false }]));
    expect((await call('POST', '/admin/scopes', { name: 'reports', description: 'Your reports', optional: true })).status).toBe(201);
    expect((await call('POST', '/admin/scopes', { name: 'reports' })).json['error_description']).toMatch(/already exists/);
    const discovery = (await (await fetch(`${server.issuer}/.well-known/openid-configuration`)).json()) as { scopes_supported: string[] };
    expect(discovery.scopes_supported).toContain('reports');
    expect((await call('POST', '/admin/resources', { identifier: 'https://reports.example.test/', scope: 'reports ghost' })).json['error_description']).toMatch(/ghost/);
    const resource = await call('POST', '/admin/resources', { identifier: 'https://reports.example.test/', scope: 'reports', access_token_lifetime: 90 });
    expect(resource.status).toBe(201);
    expect(resource.json).toEqual({ identifier: 'https://reports.example.test/', scope: 'reports', access_token_lifetime: 90, introspection_client_ids: [] });
    expect((await call('PATCH', `/admin/clients/${ids.svc}`, { scope: 'api:read ghost' })).json['error_description']).toMatch(/does not list: ghost/);
    await call('PATCH', `/admin/clients/${ids.svc}`, { scope: 'api:read reports' });
    const forResource = async () => {
      const res = await fetch(`${server.issuer}/token`, {
        method: 'POST',
        headers: { authorization: basic(ids.svc, secrets.svc), 'content-type': 'application/x-www-form-urlencoded' },
        body: new URLSearchParams({ grant_type: 'client_credentials', scope: 'reports', resource: 'https://reports.example.test/' }).toString(),
      });
      return { status: res.status, body: (await res.json()) as Record<string, unknown> };
    };
    expect((await forResource()).body['expires_in']).toBe(90);
    const path = `/admin/resources/${encodeURIComponent('https://reports.example.test/')}`;
    expect((await call('PATCH', path, { access_token_lifetime: 30 })).json['access_token_lifetime']).toBe(30);
    expect((await forResource()).body['expires_in']).toBe(30);
    expect((await call('PATCH', '/admin/scopes/reports', { description: null })).json).toEqual({ name: 'reports', optional: true });
    expect((await call('DELETE', '/admin/scopes/reports')).json['error_description']).toMatch(/listed by resources/);
    expect((await call('DELETE', path)).status).toBe(204);
    expect((await call('DELETE', path)).status).toBe(404);
    expect((await forResource()).body['error']).toBe('invalid_target');
    expect((await call('DELETE', '/admin/scopes/reports')).json['error_description']).toMatch(/used by clients/);
    await call('PATCH', `/admin/clients/${ids.svc}`, { scope: 'api:read' });
    expect((await call('DELETE', '/admin/scopes/reports')).status).toBe(204);
    expect((await call('PATCH', '/admin/scopes/reports', {})).status).toBe(404);
  });

  it('lists clients page by page', async () => {
    for (let i = 0; i < 3; i++) await call('POST', '/admin/clients', { client_id: `page-${i}`, grant_types: ['client_credentials'], response_types: [], scope: 'x' });
    const first = await call('GET', '/admin/clients?search=page-&limit=2');
    expect((first.json['items'] as { client_id: string }[]).map((c) => c.client_id)).toEqual(['page-0', 'page-1']);
    const next = await call('GET', `/admin/clients?search=page-&limit=2&cursor=${encodeURIComponent(first.json['next_cursor'] as string)}`);
    expect((next.json['items'] as { client_id: string }[]).map((c) => c.client_id)).toEqual(['page-2']);
    expect(next.json['next_cursor']).toBeUndefined();
  });

  it('lists tokens with filters and revokes them (one, all of a client); introspection agrees', async () => {
    const t = (await tokenFor(ids.svc, secrets.svc, 'api:read')).body['access_token'] as string;
    const listed = await call('GET', `/admin/tokens?client_id=${ids.svc}&status=active&kind=access_token`);
    const items = listed.json['items'] as { id: string; status: string }[];
    expect(items.length).toBeGreaterThanOrEqual(1);
    expect(JSON.stringify(listed.json)).not.toContain(t);
    const introspect = async (token: string) =>
      ((await (
        await fetch(`${server.issuer}/introspect`, {
          method: 'POST',
          headers: { authorization: basic(ids.svc, secrets.svc), 'content-type': 'application/x-www-form-urlencoded' },
          body: new URLSearchParams({ token }).toString(),
        })
      ).json()) as { active: boolean }).active;
    const unused = (await tokenFor(ids.svc, secrets.svc, 'api:read')).body['access_token'] as string;
    expect(unused).toBeTruthy();
    const before = Math.floor(Date.now() / 1000);
    expect(await introspect(t)).toBe(true);
    // Usage tracking: the use is written with the next coalesced batch (TOKEN_USAGE_FLUSH_SECONDS=1 here).
    const used = async () => ((await call('GET', `/admin/tokens?client_id=${ids.svc}&status=active&kind=access_token`)).json['items'] as { last_used_at?: number }[]);
    await expect.poll(async () => (await used()).filter((x) => x.last_used_at !== undefined).length, { timeout: 10_000 }).toBe(1);
    const stamped = (await used()).find((x) => x.last_used_at !== undefined)!;
    expect(stamped.last_used_at).toBeGreaterThanOrEqual(before);
    expect((await used()).filter((x) => x.last_used_at === undefined).length).toBeGreaterThanOrEqual(1);
    const revoked = await call('POST', '/admin/tokens/revoke', { client_id: ids.svc });
    expect(revoked.json['revoked']).toBeGreaterThanOrEqual(1);
    expect(await introspect(t)).toBe(false);
    expect((await call('GET', `/admin/tokens?client_id=${ids.svc}&status=active`)).json['items']).toEqual([]);
    const t2 = (await tokenFor(ids.svc, secrets.svc, 'api:read')).body['access_token'] as string;
    const one = ((await call('GET', `/admin/tokens?client_id=${ids.svc}&status=active`)).json['items'] as { id: string }[])[0];
    expect((await call('POST', '/admin/tokens/revoke', { kind: 'access_token', id: one?.id })).json['revoked']).toBe('token');
    expect(await introspect(t2)).toBe(false);
    expect((await call('POST', '/admin/tokens/revoke', { kind: 'access_token', id: 'nope' })).status).toBe(404);
  });

  it('lists consents and signing keys; rotation publishes a new key at the JWKS', async () => {
    expect((await call('GET', '/admin/consents?subject=nobody')).json['items']).toEqual([]);
    expect((await call('POST', '/admin/consents/revoke', { subject: 'nobody' })).json['revoked']).toBe(0);
    const before = (await call('GET', '/admin/keys')).json['keys'] as { kid: string; status: string }[];
    expect(JSON.stringify(before)).not.toMatch(/"d":/);
    const after = (await call('POST', '/admin/keys/rotate')).json['keys'] as { kid: string; status: string }[];
    const active = after.filter((k) => k.status === 'active').map((k) => k.kid);
    expect(active.some((kid) => before.some((b) => b.kid === kid && b.status === 'active'))).toBe(false);
    const jwks = (await (await fetch(`${server.issuer}/jwks`)).json()) as { keys: { kid: string }[] };
    for (const kid of active) expect(jwks.keys.map((k) => k.kid)).toContain(kid);
  });

  it('answers bad input with 400 JSON, unknown paths with 404, wrong methods with 405', async () => {
    expect((await call('POST', '/admin/clients', 'not json')).status).toBe(400);
    expect((await call('POST', '/admin/clients', { redirect_uris: ['nope'], grant_types: ['authorization_code'] })).status).toBe(400);
    expect((await call('GET', '/admin/clients?limit=0')).status).toBe(400);
    expect((await call('GET', '/admin/tokens?status=weird')).status).toBe(400);
    const missing = await fetch(`${server.issuer}/admin/nothing`, { headers: { authorization: `Bearer ${adminToken}` } });
    expect(missing.status).toBe(404);
    const wrong = await fetch(`${server.issuer}/admin/keys`, { method: 'PUT', headers: { authorization: `Bearer ${adminToken}` } });
    expect(wrong.status).toBe(405);
  });

  it('users: create with a password that signs in, search, change claims, disable (no sign-in), new password, delete', async () => {
    const username = `ada-${secret().slice(0, 8).toLowerCase()}`;
    const created = await call('POST', '/admin/users', { username, password: 'first-password-1', email: `${username}@Example.test`, claims: { name: 'Ada L.' } });
    expect(created.status).toBe(201);
    expect(created.json).toMatchObject({ username, email: `${username}@example.test`, email_verified: false, claims: { name: 'Ada L.' }, disabled: false, admin: false, origin: 'admin' });
    expect(JSON.stringify(created.json)).not.toContain('argon2');
    const subject = created.json['subject'] as string;
    expect((await call('POST', '/admin/users', { username, password: 'another-password' })).status).toBe(400);
    expect((await call('POST', '/admin/users', { username: `${username}-x`, password: 'short' })).json['error_description']).toMatch(/8 characters/);
    expect((await call('POST', '/admin/users', { username: `${username}-y`, claims: { sub: 'forged' } })).status).toBe(400);

    const listed = await call('GET', `/admin/users?search=${username}&limit=1`);
    expect((listed.json['items'] as { subject: string }[]).map((u) => u.subject)).toEqual([subject]);
    expect((await call('GET', `/admin/users/${username}`)).json['subject']).toBe(subject);
    expect((await call('PATCH', `/admin/users/${subject}`, { claims: { name: 'Ada Lovelace' }, email_verified: true })).json).toMatchObject({ claims: { name: 'Ada Lovelace' }, email_verified: true });

    const url = () =>
      new URL(
        `${server.issuer}/authorize?${new URLSearchParams({ response_type: 'code', client_id: ids.web, redirect_uri: redirectUri, scope: 'openid profile', state: secret(), code_challenge: 'E9Melhoa2OwvFrEMTJguCHaoeK1t8URWbuGJSstw-cM', code_challenge_method: 'S256' })}`,
      );
    const signedIn = await authorize(server.issuer, url(), { username, password: 'first-password-1' } as never);
    expect(signedIn.callback.searchParams.get('code')).toBeTruthy();

    expect((await call('POST', `/admin/users/${subject}/disable`)).json['disabled']).toBe(true);
    const b = createBrowser([new URL(server.issuer).origin]);
    const login = await b.get(url().toString());
    const form = formsOf(login).find((f) => f.inputs.some((i) => i.name === 'password'));
    const refused = await b.submit(form!, { username, password: 'first-password-1' });
    expect(refused.status).toBe(401);
    expect(formsOf(refused).some((f) => f.inputs.some((i) => i.name === 'password'))).toBe(true);
    await call('POST', `/admin/users/${subject}/enable`);
    // Disabling signed the person out everywhere: enabling again does not bring the old browser session back.
    const stale = await signedIn.browser.get(url().toString());
    expect(stale.status, stale.body.slice(0, 300)).toBe(200);
    expect(formsOf(stale).some((f) => f.inputs.some((i) => i.name === 'password'))).toBe(true);

    expect((await call('POST', `/admin/users/${subject}/password`, { password: 'x' })).status).toBe(400);
    expect((await call('POST', `/admin/users/${subject}/password`, { password: 'second-password-2' })).status).toBe(200);
    const again = await authorize(server.issuer, url(), { username, password: 'second-password-2' } as never);
    expect(again.callback.searchParams.get('code')).toBeTruthy();

    expect((await call('DELETE', `/admin/users/${subject}`)).status).toBe(204);
    expect((await call('GET', `/admin/users/${subject}`)).status).toBe(404);
    expect((await call('DELETE', `/admin/users/${subject}`)).status).toBe(404);
    expect((await call('POST', '/admin/users/nobody/password', { password: 'long-enough-1' })).status).toBe(404);
  });

  it('lists dynamically registered clients apart and purges them (RFC 7591); seeded clients are never purged', async () => {
    const reg = await fetch(`${server.issuer}/connect/register`, {
      method: 'POST',
      headers: { 'content-type': 'application/json' },
      body: JSON.stringify({ client_name: 'dyn', grant_types: ['client_credentials'], response_types: [], scope: 'api:read' }),
    });
    expect(reg.status).toBe(201);
    const dynId = ((await reg.json()) as { client_id: string }).client_id;
    const dynamic = await call('GET', '/admin/clients?registered=dynamic&limit=100');
    const listed = dynamic.json['items'] as { client_id: string; registered_dynamically?: boolean; client_id_issued_at?: number }[];
    expect(listed.map((c) => c.client_id)).toContain(dynId);
    expect(listed.every((c) => c.registered_dynamically === true && typeof c.client_id_issued_at === 'number')).toBe(true);
    const fixed = (await call('GET', '/admin/clients?registered=static&limit=100')).json['items'] as { client_id: string }[];
    expect(fixed.map((c) => c.client_id)).toEqual(expect.arrayContaining([ids.admin, ids.svc, ids.web]));
    expect(fixed.map((c) => c.client_id)).not.toContain(dynId);
    expect((await call('GET', '/admin/clients?registered=maybe')).status).toBe(400);
    expect((await call('POST', '/admin/clients/purge-registered', { older_than_seconds: 'soon' })).status).toBe(400);
    expect((await call('POST', '/admin/clients/purge-registered', { older_than_seconds: 3600 })).json).toEqual({ purged: [], dry_run: false });
    const dry = await call('POST', '/admin/clients/purge-registered', { older_than_seconds: 0, dry_run: true });
    expect(dry.json['purged']).toContain(dynId);
    expect((await call('GET', `/admin/clients/${dynId}`)).status).toBe(200);
    const purged = await call('POST', '/admin/clients/purge-registered', { older_than_seconds: 0, unused_only: true });
    expect(purged.json['purged']).toContain(dynId);
    expect((purged.json['purged'] as string[]).some((id) => Object.values(ids).includes(id))).toBe(false);
    expect((await call('GET', `/admin/clients/${dynId}`)).status).toBe(404);
  });
});
