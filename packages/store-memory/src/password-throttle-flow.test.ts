/**
 * The legacy password grant under the real authorization server with the memory login throttle: attempts per
 * username and per IP are counted across requests, and the verifier is not consulted once the limit is reached.
 */
import { describe, expect, it } from 'vitest';
import * as O from 'fp-ts/lib/Option.js';
import * as TE from 'fp-ts/lib/TaskEither.js';
import { createAuthorizationServer, httpRequest, type Client, type HttpResponse, type PasswordVerifier } from '@grantor/core';
import { fakeRuntime, runStoreTask as ok, sha256Base64url } from '@grantor/testkit';
import { createMemoryLoginThrottle, createMemoryStore } from './index.js';

const app: Client = {
  clientId: 'legacy-app',
  secretHashes: [{ hash: sha256Base64url('app-secret') }],
  redirectUris: [],
  postLogoutRedirectUris: [],
  grantTypes: ['password'],
  responseTypes: [],
  scope: ['api'],
  tokenEndpointAuthMethod: 'client_secret_basic',
};
const basic = `Basic ${Buffer.from('legacy-app:app-secret').toString('base64')}`;

const setup = async () => {
  const runtime = fakeRuntime({ seed: 3, now: 1_800_000_000 });
  const store = createMemoryStore({ clock: runtime.clock });
  await ok(store.clients.save(app));
  let verifications = 0;
  const passwords: PasswordVerifier = {
    verify: (username, password) => {
      verifications += 1;
      return TE.right(username === 'alice' && password === 'right' ? O.some({ subject: 'user-alice' }) : O.none);
    },
  };
  const loginThrottle = createMemoryLoginThrottle({ limit: 3, windowSeconds: 60 });
  const server = createAuthorizationServer({ issuer: 'https://as.example.test', grantTypes: ['password'] }, { ...store, ...runtime, passwords, loginThrottle });
  const attempt = (username: string, password: string, remoteAddress: string) =>
    server.handle(
      httpRequest({
        method: 'POST',
        path: '/token',
        remoteAddress,
        headers: { 'content-type': 'application/x-www-form-urlencoded', authorization: basic },
        body: new TextEncoder().encode(new URLSearchParams({ grant_type: 'password', username, password }).toString()),
      }),
    );
  return { runtime, attempt, verifications: () => verifications };
};

const body = (r: HttpResponse): Record<string, unknown> => (r._tag === 'Json' ? (r.body as Record<string, unknown>) : {});

describe('password grant with the memory login throttle', () => {
  it('issues a token for the right password', async () => {
    const { attempt } = await setup();
    expect(body(await attempt('alice', 'right', '192.0.2.1'))).toMatchObject({ token_type: 'Bearer', scope: 'api' });
  });

  it('locks a username after the limit, from any IP, until the window ends', async () => {
    const { attempt, runtime, verifications } = await setup();
    for (const ip of ['192.0.2.1', '192.0.2.2', '192.0.2.3']) expect(body(await attempt('alice', 'wrong', ip))['error']).toBe('invalid_grant');
    const before = verifications();
    const locked = body(await attempt('alice', 'right', '192.0.2.4'));
    expect(locked).toMatchObject({ error: 'invalid_grant', error_description: 'Too many login attempts; try again later.' });
    expect(verifications()).toBe(before);
    runtime.clock.advance(60);
    expect(body(await attempt('alice', 'right', '192.0.2.5'))['token_type']).toBe('Bearer');
  });

  it('limits one IP across usernames', async () => {
    const { attempt } = await setup();
    for (const user of ['u1', 'u2', 'u3']) await attempt(user, 'x', '198.51.100.9');
    expect(body(await attempt('alice', 'right', '198.51.100.9'))['error_description']).toMatch(/Too many/);
    expect(body(await attempt('alice', 'right', '198.51.100.10'))['token_type']).toBe('Bearer');
  });
});
