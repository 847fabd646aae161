import { describe, expect, it } from 'vitest';
import * as E from 'fp-ts/lib/Either.js';
import * as O from 'fp-ts/lib/Option.js';
import * as TE from 'fp-ts/lib/TaskEither.js';
import { httpRequest } from '../../http/http-request.js';
import type { LoginThrottle, PasswordVerifier } from '../../ports/password.js';
import { testConfig, webClient } from '../../test/fake-ports.js';
import { failing, grantPorts } from '../../test/token-fakes.js';
import { passwordGrant, throttleKeys } from './index.js';

const now = 1_800_000_000;
const config = testConfig({ grantTypes: ['password', 'refresh_token'] });
const client = webClient({ grantTypes: ['password', 'refresh_token'], scope: ['openid', 'api:read', 'api:write'] });
const authenticated = { client, method: 'client_secret_basic' as const };

const users: PasswordVerifier & { calls: number } = {
  calls: 0,
  verify(username, password) {
    this.calls += 1;
    return TE.right(username === 'alice' && password === 'correct horse' ? O.some({ subject: 'user-1' }) : O.none);
  },
};

/** At most `limit` hits per key (a counter, like a fixed window that never ends). */
const countingThrottle = (limit: number): LoginThrottle & { readonly hits: Map<string, number> } => {
  const hits = new Map<string, number>();
  return {
    hits,
    hit: (key) =>
      TE.fromIO(() => {
        const n = (hits.get(key) ?? 0) + 1;
        hits.set(key, n);
        return { allowed: n <= limit };
      }),
  };
};

const setup = (limit = 5) => {
  users.calls = 0;
  const loginThrottle = countingThrottle(limit);
  const ports = { ...grantPorts(), passwords: users, loginThrottle };
  const run = (params: { username: string; password: string; scope?: string }, remoteAddress = '203.0.113.7') =>
    passwordGrant.handle(params, authenticated)({ config, ports, now, request: httpRequest({ method: 'POST', path: '/token', remoteAddress }) })();
  return { ports, run, loginThrottle };
};

const failure = async (p: Promise<E.Either<{ code: string; description: string }, unknown>>) => {
  const r = await p;
  if (E.isRight(r)) throw new Error('expected a failure');
  return r.left;
};

describe('password grant (RFC 6749 §4.3, legacy)', () => {
  it('issues tokens for the verified subject, with a refresh token when enabled and auth_time now', async () => {
    const { run, ports } = setup();
    const r = await run({ username: 'alice', password: 'correct horse', scope: 'api:read' });
    expect(E.isRight(r) && r.right).toMatchObject({ token_type: 'Bearer', scope: 'api:read', refresh_token: expect.any(String) });
    expect([...ports.accessTokens.all.values()]).toEqual([expect.objectContaining({ subject: 'user-1', authTime: now, clientId: 'web' })]);
    expect([...ports.refreshTokens.all.values()]).toEqual([expect.objectContaining({ subject: 'user-1', scope: ['api:read'] })]);
  });

  it('omitted scope: the client registration', async () => {
    const r = await setup().run({ username: 'alice', password: 'correct horse' });
    expect(E.isRight(r) && r.right.scope).toBe('openid api:read api:write');
  });

  it('wrong password and unknown user are the same invalid_grant', async () => {
    const { run } = setup();
    const a = await failure(run({ username: 'alice', password: 'wrong' }));
    const b = await failure(run({ username: 'mallory', password: 'correct horse' }));
    expect(a).toMatchObject({ code: 'invalid_grant', description: 'The username or password is incorrect.' });
    expect(b.description).toBe(a.description);
  });

  it('refuses a scope beyond the client registration with invalid_scope, before counting an attempt', async () => {
    const { run, loginThrottle } = setup();
    expect((await failure(run({ username: 'alice', password: 'correct horse', scope: 'api:admin' }))).code).toBe('invalid_scope');
    expect(loginThrottle.hits.size).toBe(0);
  });

  it('throttles per username (case-folded) without calling the verifier once over the limit', async () => {
    const { run } = setup(2);
    await run({ username: 'alice', password: 'x' }, '198.51.100.1');
    await run({ username: 'ALICE', password: 'y' }, '198.51.100.2');
    const calls = users.calls;
    const e = await failure(run({ username: 'Alice', password: 'correct horse' }, '198.51.100.3'));
    expect(e).toMatchObject({ code: 'invalid_grant', description: 'Too many login attempts; try again later.' });
    expect(users.calls).toBe(calls);
  });

  it('throttles per IP across usernames, counting every key of every attempt', async () => {
    const { run, loginThrottle } = setup(2);
    await run({ username: 'u1', password: 'x' });
    await run({ username: 'u2', password: 'x' });
    expect((await failure(run({ username: 'alice', password: 'correct horse' }))).description).toMatch(/Too many/);
    expect(loginThrottle.hits.get('ip:203.0.113.7')).toBe(3);
    expect(loginThrottle.hits.get('username:alice')).toBe(1);
  });

  it('throttle keys: username always, IP when known', () => {
    expect(throttleKeys('Ålice', undefined)).toEqual(['username:ålice']);
    expect(throttleKeys('bob', '::1')).toEqual(['username:bob', 'ip:::1']);
  });

  it('maps verifier and throttle faults to temporarily_unavailable / server_error', async () => {
    const { ports } = setup();
    const ctx = (p: Omit<typeof ports, 'passwords' | 'loginThrottle'> & { passwords: PasswordVerifier; loginThrottle: LoginThrottle }) => ({ config, ports: p, now, request: httpRequest({ method: 'POST', path: '/token' }) });
    const params = { username: 'alice', password: 'correct horse' };
    expect((await failure(passwordGrant.handle(params, authenticated)(ctx({ ...ports, passwords: { verify: failing(true) } }))())).code).toBe('temporarily_unavailable');
    expect((await failure(passwordGrant.handle(params, authenticated)(ctx({ ...ports, loginThrottle: { hit: failing(false) } }))())).code).toBe('server_error');
  });
});
