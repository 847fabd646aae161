import { describe, expect, it } from 'vitest';
import fc from 'fast-check';
import * as TE from 'fp-ts/lib/TaskEither.js';
import { httpRequest } from '../http/http-request.js';
import type { HttpResponse } from '../http/http-response.js';
import { basic, formPost, tokenServiceFixture } from '../test/token-service-fixture.js';
import { introspectionRoute } from './introspection.js';
import { revocationRoute } from './revocation.js';
import { routeTable } from './route-table.js';

const bodyOf = (r: HttpResponse) => (r._tag === 'Json' ? (r.body as Record<string, unknown>) : undefined);
const setup = () => {
  const f = tokenServiceFixture({ algorithms: ['RS256'] });
  const introspect = (params: Record<string, string>, auth?: string | null) => introspectionRoute(f.deps).handle(formPost('/introspect', params, auth));
  const revoke = (params: Record<string, string>, auth?: string | null) => revocationRoute(f.deps).handle(formPost('/revoke', params, auth));
  return { f, introspect, revoke };
};

describe('introspection (RFC 7662)', () => {
  it('an active opaque access token: active, scope, client_id, token_type, exp, iat, sub, iss', async () => {
    const { f, introspect } = setup();
    const { token, record } = await f.accessToken('web');
    const r = await introspect({ token });
    expect(r.status).toBe(200);
    expect(r.headers['cache-control']).toBe('no-store');
    expect(bodyOf(r)).toEqual({ active: true, scope: 'openid profile email', client_id: 'web', token_type: 'Bearer', exp: record.expiresAt, iat: record.issuedAt, sub: 'alice', iss: f.config.issuer });
  });

  it('a JWT access token carries its jti and extra claims; a refresh token introspects too', async () => {
    const { f, introspect } = setup();
    const { token, record } = await f.accessToken('web', { extra: { tenant: 't1' } }, 'jwt');
    expect(bodyOf(await introspect({ token }))).toMatchObject({ active: true, jti: record.id, tenant: 't1', client_id: 'web' });
    const refresh = await f.refreshToken('web');
    expect(bodyOf(await introspect({ token: refresh.token, token_type_hint: 'refresh_token' }))).toMatchObject({ active: true, scope: 'openid offline_access', sub: 'alice' });
    expect(bodyOf(await introspect({ token: refresh.token, token_type_hint: 'access_token' }))).toMatchObject({ active: true });
    expect(bodyOf(await introspect({ token: refresh.token, token_type_hint: 'something_else' }))).toMatchObject({ active: true });
  });

  it('expired, revoked, rotated, unknown and other-client tokens are exactly {"active": false}', async () => {
    const { f, introspect } = setup();
    const expired = await f.accessToken('web', { expiresAt: f.clock.now() });
    const revoked = await f.accessToken('web', { revokedAt: 1 });
    const rotated = await f.refreshToken('web', { rotatedAt: 1 });
    const others = await f.accessToken('other');
    for (const token of [expired.token, revoked.token, rotated.token, others.token, 'unknown', 'a.b.c']) {
      const r = await introspect({ token });
      expect([r.status, bodyOf(r)]).toEqual([200, { active: false }]);
    }
  });

  it('requires client authentication (401 invalid_client), a confidential client and the token parameter', async () => {
    const { f, introspect } = setup();
    const { token } = await f.accessToken('web');
    const wrong = await introspect({ token }, basic('web', 'wrong'));
    expect([wrong.status, bodyOf(wrong)?.['error']]).toEqual([401, 'invalid_client']);
    expect(wrong.headers['www-authenticate']).toMatch(/^Basic/);
    const anonymous = await introspect({ token }, null);
    expect(anonymous.status).toBe(401);
    const spa = await introspect({ token, client_id: 'spa' }, null);
    expect([spa.status, bodyOf(spa)?.['error']]).toEqual([401, 'invalid_client']);
    const missing = await introspect({});
    expect([missing.status, bodyOf(missing)?.['error']]).toEqual([400, 'invalid_request']);
    const get = await routeTable(f.deps.logger, [introspectionRoute(f.deps)]).handle(httpRequest({ method: 'GET', path: '/introspect' }));
    expect(get.status).toBe(405);
    const json = await introspectionRoute(f.deps).handle(httpRequest({ method: 'POST', path: '/introspect', headers: { 'content-type': 'application/json', authorization: basic('web', 'secret') } }));
    expect(json.status).toBe(400);
  });

  it('a store fault is 503 temporarily_unavailable, not a throw', async () => {
    const { f } = setup();
    const deps = { ...f.deps, accessTokens: { ...f.accessTokens, find: () => TE.left({ _tag: 'StoreError' as const, transient: true, detail: 'down' }) } };
    const r = await introspectionRoute(deps).handle(formPost('/introspect', { token: 'x' }));
    expect([r.status, bodyOf(r)?.['error']]).toEqual([503, 'temporarily_unavailable']);
  });
});

describe('revocation (RFC 7009)', () => {
  it('revokes an access token of the caller; 200 with no body', async () => {
    const { f, revoke, introspect } = setup();
    const { token } = await f.accessToken('web');
    const r = await revoke({ token });
    expect([r.status, r._tag]).toEqual([200, 'Empty']);
    expect(bodyOf(await introspect({ token }))).toEqual({ active: false });
  });

  it('revoking a refresh token revokes its family and the grant\'s access tokens', async () => {
    const { f, revoke, introspect } = setup();
    const refresh = await f.refreshToken('web');
    const access = await f.accessToken('web', { grantId: refresh.record.grantId });
    const unrelated = await f.accessToken('web');
    expect((await revoke({ token: refresh.token, token_type_hint: 'refresh_token' })).status).toBe(200);
    expect(bodyOf(await introspect({ token: refresh.token }))).toEqual({ active: false });
    expect(bodyOf(await introspect({ token: access.token }))).toEqual({ active: false });
    expect(bodyOf(await introspect({ token: unrelated.token }))).toMatchObject({ active: true });
  });

  it('a JWT access token is revoked by jti (deny list)', async () => {
    const { f, revoke } = setup();
    const { token, record } = await f.accessToken('web', {}, 'jwt');
    expect((await revoke({ token, token_type_hint: 'unsupported_hint' })).status).toBe(200);
    expect(f.accessTokens.all.get(record.id)?.revokedAt).toBeDefined();
  });

  it('another client\'s token and unknown tokens: 200 and nothing changes; public clients revoke their own', async () => {
    const { f, revoke } = setup();
    const { record, token } = await f.accessToken('other');
    expect((await revoke({ token })).status).toBe(200);
    expect(f.accessTokens.all.get(record.id)?.revokedAt).toBeUndefined();
    expect((await revoke({ token: 'unknown' })).status).toBe(200);
    const spa = await f.accessToken('spa');
    expect((await revoke({ token: spa.token, client_id: 'spa' }, null)).status).toBe(200);
    expect(f.accessTokens.all.get(spa.record.id)?.revokedAt).toBeDefined();
  });

  it('missing token → 400 invalid_request; bad credentials → 401 invalid_client', async () => {
    const { revoke } = setup();
    const missing = await revoke({});
    expect([missing.status, bodyOf(missing)?.['error']]).toEqual([400, 'invalid_request']);
    const bad = await revoke({ token: 'x' }, basic('web', 'nope'));
    expect([bad.status, bodyOf(bad)?.['error']]).toEqual([401, 'invalid_client']);
  });
});

describe('properties', () => {
  type Op = { readonly kind: 'issue' | 'revoke' | 'revokeOther' | 'advance'; readonly client: 'web' | 'other'; readonly pick: number; readonly seconds: number };
  const opArb: fc.Arbitrary<Op> = fc.record({
    kind: fc.constantFrom('issue', 'revoke', 'revokeOther', 'advance'),
    client: fc.constantFrom('web', 'other'),
    pick: fc.nat(),
    seconds: fc.integer({ min: 1, max: 400 }),
  });

  it('a revoked token never introspects active; a client never sees another client\'s token as active', async () => {
    await fc.assert(
      fc.asyncProperty(fc.array(opArb, { minLength: 1, maxLength: 15 }), async (ops) => {
        const { f, revoke, introspect } = setup();
        const issued: { token: string; client: 'web' | 'other'; revoked: boolean }[] = [];
        const secretOf = { web: 'secret', other: 'other-secret' } as const;
        for (const op of ops) {
          const target = issued[op.pick % Math.max(issued.length, 1)];
          if (op.kind === 'issue') issued.push({ token: (await f.accessToken(op.client)).token, client: op.client, revoked: false });
          else if (op.kind === 'advance') f.clock.advance(op.seconds);
          else if (target !== undefined) {
            const caller = op.kind === 'revoke' ? target.client : target.client === 'web' ? 'other' : 'web';
            await revoke({ token: target.token }, basic(caller, secretOf[caller]));
            if (caller === target.client) target.revoked = true;
          }
          for (const t of issued) {
            for (const caller of ['web', 'other'] as const) {
              const body = bodyOf(await introspect({ token: t.token }, basic(caller, secretOf[caller])));
              if (t.revoked || caller !== t.client) expect(body).toEqual({ active: false });
            }
          }
        }
      }),
      { numRuns: 40 },
    );
  });
});

describe('introspection and usage tracking', () => {
  it('an active access token found for its client counts as a use; inactive, other clients’ and refresh tokens do not', async () => {
    const f = tokenServiceFixture({ algorithms: ['RS256'] });
    const uses: { id: string; at: number }[] = [];
    const route = introspectionRoute({ ...f.deps, tokenUsage: { used: (u) => void uses.push(u) } });
    const introspect = (token: string) => route.handle(formPost('/introspect', { token }));
    const live = await f.accessToken('web');
    const revoked = await f.accessToken('web', { revokedAt: 1 });
    const others = await f.accessToken('other');
    const refresh = await f.refreshToken('web');
    for (const t of [live.token, revoked.token, others.token, refresh.token]) expect((await introspect(t)).status).toBe(200);
    expect(uses).toEqual([{ id: live.record.id, at: Math.floor(f.clock.now()) }]);
  });
});
