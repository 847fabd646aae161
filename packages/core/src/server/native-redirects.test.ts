/**
 * RFC 8252 native-app redirect URIs through `createAuthorizationServer`: a loopback IP redirect URI matches with any
 * port at the authorization endpoint (§7.3), the token request must repeat the URI actually used (RFC 6749 §4.1.3),
 * and every other redirect URI (private-use schemes §7.1, `localhost` §8.3, https) is matched exactly.
 */
import { describe, expect, it } from 'vitest';
import { httpRequest } from '../http/http-request.js';
import type { SecretHasher } from '../ports/runtime.js';
import { memoryAuthorizationCodes, memoryClients, memoryConsents, memoryDeviceCodes, memoryInteractions, publicClient, testClock, testLogger, testRandom } from '../test/fake-ports.js';
import { memoryAccessTokens, memoryRefreshTokens, memoryReplay } from '../test/token-fakes.js';
import { formEncode, splitUrl, utf8 } from '../test/http-helpers.js';
import { createAuthorizationServer } from './create-authorization-server.js';

/** A toy hasher whose output looks like base64url SHA-256, so PKCE S256 challenges pass validation. */
const toyHash = (value: string): string => {
  const alphabet = 'ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789-_';
  let h = 2166136261;
  let out = '';
  for (let i = 0; i < 43; i++) {
    for (const ch of `${i}:${value}`) h = Math.imul(h ^ ch.charCodeAt(0), 16777619) >>> 0;
    out += alphabet[h % 64];
  }
  return out;
};
const secrets: SecretHasher = { hash: toyHash, verify: (presented, expected) => toyHash(presented) === expected };
const verifier = 'v'.repeat(50);

const setup = () => {
  const ports = {
    clock: testClock(1_800_000_000),
    random: testRandom(),
    secrets,
    logger: testLogger(),
    clients: memoryClients([
      publicClient({
        clientId: 'cli',
        redirectUris: ['http://127.0.0.1/callback', 'http://[::1]:4000/callback', 'http://localhost:7777/callback', 'com.example.app:/oauth2redirect'],
        scope: ['openid'],
      }),
    ]),
    accessTokens: memoryAccessTokens(),
    refreshTokens: memoryRefreshTokens(),
    authorizationCodes: memoryAuthorizationCodes(),
    replay: memoryReplay(),
    interactions: memoryInteractions(),
    consents: memoryConsents(),
    deviceCodes: memoryDeviceCodes(),
  };
  const server = createAuthorizationServer({ issuer: 'https://as.example.test', grantTypes: ['authorization_code', 'refresh_token'] }, ports);
  const authorize = (redirectUri: string) =>
    server.handle(httpRequest({ method: 'GET', path: '/authorize', query: formEncode({ client_id: 'cli', redirect_uri: redirectUri, response_type: 'code', scope: 'openid', code_challenge: toyHash(verifier), code_challenge_method: 'S256' }) }));
  /** Authorizes with `redirectUri` and returns where the browser is sent back to and the code. */
  const codeFor = async (redirectUri: string) => {
    const start = await authorize(redirectUri);
    const id = start._tag === 'Redirect' ? start.location.replace('/interaction/', '') : '';
    const done = await server.interactions.finish(id, { subject: 'alice', scope: ['openid'], authTime: 1_800_000_000 });
    const back = splitUrl(done._tag === 'Redirect' ? done.location : '');
    return { base: back.base, code: back.params['code'] ?? '' };
  };
  const redeem = (code: string, redirectUri: string) =>
    server.handle(httpRequest({ method: 'POST', path: '/token', headers: { 'content-type': 'application/x-www-form-urlencoded' }, body: utf8(formEncode({ grant_type: 'authorization_code', client_id: 'cli', code, redirect_uri: redirectUri, code_verifier: verifier })) }));
  return { authorize, codeFor, redeem };
};

describe('native app redirect URIs (RFC 8252)', () => {
  it.each(['http://127.0.0.1:53124/callback', 'http://127.0.0.1/callback', 'http://[::1]:61000/callback', 'http://[::1]/callback'])(
    'a loopback IP redirect URI is accepted with any port: %s, and the token request must repeat it',
    async (used) => {
      const { codeFor, redeem } = setup();
      const { base, code } = await codeFor(used);
      expect(base).toBe(used);
      expect(await redeem(code, used)).toMatchObject({ status: 200, body: { token_type: 'Bearer' } });
    },
  );

  it('the token request with another port than the one used at the authorization endpoint is invalid_grant', async () => {
    const { codeFor, redeem } = setup();
    const { code } = await codeFor('http://127.0.0.1:53124/callback');
    expect(await redeem(code, 'http://127.0.0.1:53125/callback')).toMatchObject({ status: 400, body: { error: 'invalid_grant' } });
  });

  it('a private-use scheme and localhost are matched exactly', async () => {
    const { codeFor, redeem } = setup();
    const app = await codeFor('com.example.app:/oauth2redirect');
    expect(app.base).toBe('com.example.app:/oauth2redirect');
    expect(await redeem(app.code, 'com.example.app:/oauth2redirect')).toMatchObject({ status: 200 });
    const local = await codeFor('http://localhost:7777/callback');
    expect(local.base).toBe('http://localhost:7777/callback');
  });

  it.each(['http://localhost:7778/callback', 'http://localhost/callback', 'http://127.0.0.1:53124/other', 'com.example.app:/other', 'com.example.evil:/oauth2redirect', 'http://127.0.0.1:80@evil.example/callback'])(
    'an unregistered redirect URI is an error page, never a redirect: %s',
    async (uri) => {
      const { authorize } = setup();
      expect(await authorize(uri)).toMatchObject({ _tag: 'Html', status: 400 });
    },
  );
});
