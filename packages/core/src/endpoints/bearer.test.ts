import { describe, expect, it } from 'vitest';
import { httpRequest } from '../http/http-request.js';
import type { HttpResponse } from '../http/http-response.js';
import { idTokenUserClaims, userinfoRoute } from '../endpoints/userinfo.js';
import { webClient } from '../test/fake-ports.js';
import { utf8 } from '../test/http-helpers.js';
import { tokenServiceFixture } from '../test/token-service-fixture.js';
import { bearerCheck } from './bearer.js';
import { routeTable } from './route-table.js';

const get = (headers: Record<string, string> = {}, query = '') => httpRequest({ method: 'GET', path: '/api', headers, query });
const challenge = (r: HttpResponse) => r.headers['www-authenticate'];
const bodyOf = (r: HttpResponse) => (r._tag === 'Json' ? (r.body as Record<string, unknown>) : undefined);

describe('bearer (RFC 6750)', () => {
  it('accepts a live opaque token from the Authorization header', async () => {
    const f = tokenServiceFixture();
    const { token } = await f.accessToken('web');
    const result = await bearerCheck(f.deps)(get({ authorization: `Bearer ${token}` }));
    expect(result).toMatchObject({ _tag: 'Authorized', auth: { clientId: 'web', subject: 'alice', format: 'opaque', scope: ['openid', 'profile', 'email'] } });
  });

  it('no token: 401 with a bare Bearer challenge (§3.1, no error code)', async () => {
    const f = tokenServiceFixture();
    for (const req of [get(), get({ authorization: 'Basic d2ViOnNlY3JldA==' })]) {
      const result = await bearerCheck(f.deps)(req, { realm: 'api' });
      expect(result._tag).toBe('Rejected');
      if (result._tag !== 'Rejected') return;
      expect(result.response.status).toBe(401);
      expect(challenge(result.response)).toBe('Bearer realm="api"');
    }
  });

  it('unknown, expired and revoked tokens: 401 invalid_token with the challenge', async () => {
    const f = tokenServiceFixture();
    const live = await f.accessToken('web');
    const revoked = await f.accessToken('web', { revokedAt: 1 });
    const check = bearerCheck(f.deps);
    f.clock.advance(0);
    for (const token of ['nope', revoked.token]) {
      const r = await check(get({ authorization: `Bearer ${token}` }));
      if (r._tag !== 'Rejected') throw new Error('expected rejection');
      expect(r.response.status).toBe(401);
      expect(challenge(r.response)).toMatch(/^Bearer realm="https:\/\/as\.example\.test", error="invalid_token", error_description="[^"]+"$/);
    }
    f.clock.advance(600);
    const expired = await check(get({ authorization: `Bearer ${live.token}` }));
    expect(expired._tag === 'Rejected' && bodyOf(expired.response)?.['error']).toBe('invalid_token');
  });

  it('insufficient scope: 403 with the scope attribute', async () => {
    const f = tokenServiceFixture();
    const { token } = await f.accessToken('web', { scope: ['profile'] });
    const r = await bearerCheck(f.deps)(get({ authorization: `Bearer ${token}` }), { requiredScopes: ['api:read', 'profile'] });
    if (r._tag !== 'Rejected') throw new Error('expected rejection');
    expect(r.response.status).toBe(403);
    expect(challenge(r.response)).toContain('error="insufficient_scope"');
    expect(challenge(r.response)).toContain('scope="api:read profile"');
  });

  it('body (§2.2) when allowed, query (§2.3) only when enabled, two methods → 400 invalid_request', async () => {
    const f = tokenServiceFixture();
    const { token } = await f.accessToken('web');
    const check = bearerCheck(f.deps);
    const post = (extra: Record<string, string> = {}) =>
      httpRequest({ method: 'POST', path: '/api', headers: { 'content-type': 'application/x-www-form-urlencoded', ...extra }, body: utf8(`access_token=${token}`) });
    expect((await check(post()))._tag).toBe('Authorized');
    expect((await check(post(), { allowBody: false }))._tag).toBe('Rejected');
    expect((await check(get({}, `access_token=${token}`)))._tag).toBe('Rejected');
    expect((await check(get({}, `access_token=${token}`), { allowQuery: true }))._tag).toBe('Authorized');
    const both = await check(post({ authorization: `Bearer ${token}` }));
    expect(both._tag === 'Rejected' && [both.response.status, bodyOf(both.response)?.['error']]).toEqual([400, 'invalid_request']);
  });

  it('malformed Authorization headers are 400 invalid_request, never a throw', async () => {
    const f = tokenServiceFixture();
    for (const header of ['Bearer', 'Bearer ', 'Bearer a b', 'bearer "x"', 'Bearer \u00e9']) {
      const r = await bearerCheck(f.deps)(get({ authorization: header }));
      expect(r._tag === 'Rejected' && r.response.status).toBe(400);
    }
  });

  it('JWT access tokens: verified locally, then the record is the deny list', async () => {
    const f = tokenServiceFixture();
    const { token, record } = await f.accessToken('web', {}, 'jwt');
    const check = bearerCheck(f.deps);
    expect(await check(get({ authorization: `Bearer ${token}` }))).toMatchObject({ _tag: 'Authorized', auth: { format: 'jwt', tokenId: record.id } });
    const [h, p] = token.split('.');
    expect((await check(get({ authorization: `Bearer ${h}.${p}.AAAA` })))._tag).toBe('Rejected');
    await f.accessTokens.revoke(record.id, f.clock.now())();
    expect((await check(get({ authorization: `Bearer ${token}` })))._tag).toBe('Rejected');
  });
});

describe('userinfo (OIDC Core §5.3)', () => {
  it('GET and POST return sub and the claims of the granted scopes only', async () => {
    const f = tokenServiceFixture();
    const route = userinfoRoute({ ...f.deps, bearer: bearerCheck(f.deps) });
    const { token } = await f.accessToken('web', { scope: ['openid', 'profile'] });
    const r = await route.handle(get({ authorization: `Bearer ${token}` }));
    expect(r.status).toBe(200);
    expect(bodyOf(r)).toEqual({ sub: 'alice', name: 'Alice A', given_name: 'Alice', family_name: 'A' });
    const post = await route.handle(httpRequest({ method: 'POST', path: '/userinfo', headers: { 'content-type': 'application/x-www-form-urlencoded' }, body: utf8(`access_token=${token}`) }));
    expect(bodyOf(post)).toEqual(bodyOf(r));
    const { token: withEmail } = await f.accessToken('web', { scope: ['openid', 'email'] });
    expect(bodyOf(await route.handle(get({ authorization: `Bearer ${withEmail}` })))).toEqual({ sub: 'alice', email: 'alice@example.test', email_verified: true });
  });

  it('without openid: 403 insufficient_scope; no token: 401 bare challenge; bad token: 401 invalid_token', async () => {
    const f = tokenServiceFixture();
    const route = userinfoRoute({ ...f.deps, bearer: bearerCheck(f.deps) });
    const { token } = await f.accessToken('web', { scope: ['profile'] });
    const noOpenid = await route.handle(get({ authorization: `Bearer ${token}` }));
    expect([noOpenid.status, bodyOf(noOpenid)?.['error']]).toEqual([403, 'insufficient_scope']);
    const none = await route.handle(get());
    expect([none.status, challenge(none)]).toEqual([401, 'Bearer realm="https://as.example.test"']);
    const bad = await route.handle(get({ authorization: 'Bearer zzz' }));
    expect([bad.status, challenge(bad)?.includes('error="invalid_token"')]).toEqual([401, true]);
    const wrongMethod = await routeTable(f.deps.logger, [route]).handle(httpRequest({ method: 'DELETE', path: '/userinfo' }));
    expect(wrongMethod.status).toBe(405);
  });

  it('a client-only token (no end user) is invalid_token', async () => {
    const f = tokenServiceFixture();
    const route = userinfoRoute({ ...f.deps, bearer: bearerCheck(f.deps) });
    const { token } = await f.accessToken('web', { subject: undefined, scope: ['openid'] } as never);
    const r = await route.handle(get({ authorization: `Bearer ${token}` }));
    expect(r.status).toBe(401);
  });
});

describe('bearer: the rest of a resource server\'s form is not its business', () => {
  it('repeated other parameters do not matter; a repeated access_token is invalid_request', async () => {
    const f = tokenServiceFixture();
    const { token } = await f.accessToken('web');
    const check = bearerCheck(f.deps);
    const post = (body: string, headers: Record<string, string> = {}) =>
      httpRequest({ method: 'POST', path: '/api', headers: { 'content-type': 'application/x-www-form-urlencoded', ...headers }, body: utf8(body) });
    expect((await check(post('a=1&a=2&b=%ZZ', { authorization: `Bearer ${token}` })))._tag).toBe('Authorized');
    expect((await check(post(`a=1&a=2&access_token=${token}`)))._tag).toBe('Authorized');
    const twice = await check(post(`access_token=${token}&access_token=${token}`));
    expect(twice._tag === 'Rejected' && twice.response.status).toBe(400);
  });
});

describe('idTokenUserClaims', () => {
  it('releases the scope\'s claims (optionally only the named ones) for the ID token hook', async () => {
    const f = tokenServiceFixture();
    const hook = idTokenUserClaims(f.deps.claims);
    const ctx = { client: webClient(), grantType: 'authorization_code', subject: 'alice', scope: ['openid', 'email'] };
    expect(await hook(ctx)()).toEqual({ _tag: 'Right', right: { email: 'alice@example.test', email_verified: true } });
    expect(await idTokenUserClaims(f.deps.claims, ['email'])(ctx)()).toEqual({ _tag: 'Right', right: { email: 'alice@example.test' } });
    expect(await hook({ ...ctx, subject: 'nobody' })()).toEqual({ _tag: 'Right', right: {} });
  });
});

describe('usage tracking (the tokenUsage sink)', () => {
  it('is told of accepted tokens only, with the stored id and the time; a throwing sink fails no request', async () => {
    const f = tokenServiceFixture();
    const uses: { id: string; at: number }[] = [];
    const deps = { ...f.deps, tokenUsage: { used: (u: { id: string; at: number }) => void uses.push(u) } };
    const live = await f.accessToken('web');
    const revoked = await f.accessToken('web', { revokedAt: 1 });
    const narrow = await f.accessToken('web', { scope: ['profile'] });
    const check = bearerCheck(deps);
    expect((await check(get({ authorization: `Bearer ${live.token}` })))._tag).toBe('Authorized');
    expect((await check(get({ authorization: `Bearer ${revoked.token}` })))._tag).toBe('Rejected');
    expect((await check(get({ authorization: `Bearer ${narrow.token}` }), { requiredScopes: ['api:read'] }))._tag).toBe('Rejected');
    expect((await check(get({ authorization: 'Bearer nope' })))._tag).toBe('Rejected');
    expect(uses).toEqual([{ id: f.deps.secrets.hash(live.token), at: Math.floor(f.clock.now()) }]);
    const throwing = bearerCheck({ ...f.deps, tokenUsage: { used: () => { throw new Error('sink down'); } } });
    expect((await throwing(get({ authorization: `Bearer ${live.token}` })))._tag).toBe('Authorized');
  });
});
