/**
 * Two redemptions of one authorization code under the real authorization server, with the store calls of both requests
 * interleaved in every order fast-check's scheduler picks (each store call starts only when the scheduler releases
 * it). RFC 6749 §4.1.2: the replay is refused and revokes the tokens issued from the code — including tokens the
 * winner saves after the replay was judged. Whatever the order, no token issued from the code stays usable.
 */
import { describe, expect, it } from 'vitest';
import fc from 'fast-check';
import { createAuthorizationServer, httpRequest, type Client, type HttpResponse } from '@grantor/core';
import { fakeRuntime, runStoreTask as ok, sha256Base64url } from '@grantor/testkit';
import { createMemoryStore, type MemoryStore } from './index.js';

const issuer = 'https://as.example.test';
const redirectUri = 'https://rp.example.test/cb';
const web: Client = {
  clientId: 'web',
  secretHashes: [{ hash: sha256Base64url('web-secret') }],
  redirectUris: [redirectUri],
  postLogoutRedirectUris: [],
  grantTypes: ['authorization_code', 'refresh_token'],
  responseTypes: ['code'],
  scope: ['openid', 'offline_access'],
  tokenEndpointAuthMethod: 'client_secret_basic',
};
const basic = `Basic ${Buffer.from('web:web-secret').toString('base64')}`;
const verifier = 'a-pkce-verifier-that-is-long-enough-for-rfc-7636-section-4-1';

type Scheduled = <A>(label: string, run: () => Promise<A>) => Promise<A>;

/** The store with every call of the token stores started through `schedule` (while `on()` is true). */
const scheduledStore = (store: MemoryStore, schedule: Scheduled, on: () => boolean): MemoryStore => {
  const wrap = <P extends object>(name: string, port: P): P =>
    Object.fromEntries(
      Object.entries(port).map(([method, f]) => [
        method,
        (...args: unknown[]) =>
          () =>
            on() ? schedule(`${name}.${method}`, () => (f as (...a: unknown[]) => () => Promise<unknown>)(...args)()) : (f as (...a: unknown[]) => () => Promise<unknown>)(...args)(),
      ]),
    ) as P;
  return {
    ...store,
    authorizationCodes: wrap('authorizationCodes', store.authorizationCodes),
    accessTokens: wrap('accessTokens', store.accessTokens),
    refreshTokens: wrap('refreshTokens', store.refreshTokens),
  };
};

const body = (r: HttpResponse): Record<string, unknown> => (r._tag === 'Json' ? (r.body as Record<string, unknown>) : {});

describe('a code replay racing the winner’s issuance (RFC 6749 §4.1.2)', () => {
  it('in every interleaving of the two redemptions’ store calls, no token issued from the code stays usable', async () => {
    await fc.assert(
      fc.asyncProperty(fc.scheduler(), async (s) => {
        const runtime = fakeRuntime({ seed: 7, now: 1_800_000_000 });
        const memory = createMemoryStore({ clock: runtime.clock });
        await ok(memory.clients.save(web));
        let scheduling = false;
        const store = scheduledStore(memory, (label, run) => s.schedule(Promise.resolve(label), label).then(run), () => scheduling);
        const server = createAuthorizationServer({ issuer, grantTypes: ['authorization_code', 'refresh_token'] }, { ...store, ...runtime });
        const query = new URLSearchParams({ client_id: 'web', redirect_uri: redirectUri, response_type: 'code', scope: 'openid offline_access', state: 's', code_challenge: sha256Base64url(verifier), code_challenge_method: 'S256' });
        const start = await server.handle(httpRequest({ method: 'GET', path: '/authorize', query: query.toString() }));
        if (start._tag !== 'Redirect') throw new Error('expected the interaction redirect');
        const done = await server.interactions.finish(decodeURIComponent(start.location.split('/').pop() ?? ''), { subject: 'alice', scope: ['openid', 'offline_access'], authTime: 1_800_000_000 });
        if (done._tag !== 'Redirect') throw new Error('expected the redirect back to the client');
        const code = new URL(done.location).searchParams.get('code') ?? '';
        const post = (form: Record<string, string>) =>
          server.handle(httpRequest({ method: 'POST', path: '/token', headers: { 'content-type': 'application/x-www-form-urlencoded', authorization: basic }, body: new TextEncoder().encode(new URLSearchParams(form).toString()) }));

        scheduling = true;
        const redemptions = [0, 1].map(() => post({ grant_type: 'authorization_code', code, redirect_uri: redirectUri, code_verifier: verifier }));
        await s.waitFor(Promise.all(redemptions));
        scheduling = false;
        const results = await Promise.all(redemptions);

        expect(results.filter((r) => r.status === 400 && body(r)['error'] === 'invalid_grant').length).toBeGreaterThanOrEqual(1);
        for (const winner of results.filter((r) => r.status === 200)) {
          const bearer = await server.bearer(httpRequest({ method: 'GET', path: '/api', headers: { authorization: `Bearer ${String(body(winner)['access_token'])}` } }));
          expect(bearer._tag, 'the winner’s access token is revoked').toBe('Rejected');
          const refreshed = await post({ grant_type: 'refresh_token', refresh_token: String(body(winner)['refresh_token']) });
          expect({ status: refreshed.status, error: body(refreshed)['error'] }, 'the winner’s refresh token is revoked').toEqual({ status: 400, error: 'invalid_grant' });
        }
      }),
      { numRuns: 25 },
    );
  }, 120_000);
});
