import { mkdtempSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import * as client from 'openid-client';
import { makeSeed, type SeedFixture } from './fixtures.js';
import { authorize, basic, discover, post } from './flows.js';
import { startServer, type Running } from './harness.js';

/**
 * The smoke subset for every FRAMEWORK (the full suite runs on the default, Fastify, in memory) and for the SQLite
 * store (DATA_DIR): discovery, the code flow through the pages, client credentials, a few malformed requests, and
 * SIGTERM.
 */
const variants: readonly (readonly [string, Readonly<Record<string, string>>, string])[] = [
  ['FRAMEWORK=express', { FRAMEWORK: 'express' }, ''],
  ['FRAMEWORK=koa, issuer with a path', { FRAMEWORK: 'koa' }, '/oauth'],
  ['FRAMEWORK=fastify with SQLite (DATA_DIR)', { FRAMEWORK: 'fastify', DATA_DIR: '' }, ''],
];

for (const [name, variantEnv, issuerPath] of variants) {
  describe(`${name} (smoke)`, () => {
    let server: Running;
    let f: SeedFixture;
    beforeAll(async () => {
      f = await makeSeed();
      const env = variantEnv['DATA_DIR'] === undefined ? variantEnv : { ...variantEnv, DATA_DIR: mkdtempSync(path.join(tmpdir(), 'grantor-data-')) };
      server = await startServer(f.seed, env, issuerPath);
      expect(server.output()).toContain(env['DATA_DIR'] === undefined ? 'store: memory' : 'store: sqlite');
    });
    afterAll(async () => {
      if (server !== undefined && server.proc.exitCode === null) await server.stop('SIGKILL');
    });

    it('runs the code flow with PKCE and nonce through the pages; client credentials', async () => {
      const web = await discover(server.issuer, f.web.id, client.ClientSecretBasic(f.web.secret));
      const verifier = client.randomPKCECodeVerifier();
      const nonce = client.randomNonce();
      const state = client.randomState();
      const url = client.buildAuthorizationUrl(web, { redirect_uri: f.web.redirectUri, scope: 'openid email', state, nonce, code_challenge: await client.calculatePKCECodeChallenge(verifier), code_challenge_method: 'S256' });
      const { callback } = await authorize(server.issuer, url, f.user);
      const tokens = await client.authorizationCodeGrant(web, callback, { pkceCodeVerifier: verifier, expectedNonce: nonce, expectedState: state });
      expect(tokens.claims()?.sub).toBe(f.user.sub);
      expect(await client.fetchUserInfo(web, tokens.access_token, f.user.sub)).toMatchObject({ email: f.user.claims['email'] });
      const machine = await discover(server.issuer, f.machine.id, client.ClientSecretBasic(f.machine.secret));
      expect((await client.clientCredentialsGrant(machine, { scope: 'api:write' })).access_token).toEqual(expect.any(String));
    });

    it('serves RFC 8414 metadata at /.well-known/oauth-authorization-server{issuer path}', async () => {
      const url = new URL(server.issuer);
      const res = await fetch(`${url.origin}/.well-known/oauth-authorization-server${url.pathname === '/' ? '' : url.pathname}`);
      expect(res.status).toBe(200);
      expect(((await res.json()) as { issuer: string }).issuer).toBe(server.issuer);
    });

    it('answers client mistakes with RFC JSON errors, never 5xx', async () => {
      const meta = (await (await fetch(`${server.issuer}/.well-known/openid-configuration`)).json()) as Record<string, string>;
      const wrong = await post(meta['token_endpoint']!, 'grant_type=client_credentials', { authorization: basic(f.machine.id, 'nope') });
      expect(wrong.status).toBe(401);
      expect(wrong.headers.get('www-authenticate')).toMatch(/^Basic/i);
      const json = await post(meta['token_endpoint']!, '{"grant_type":"client_credentials"}', { 'content-type': 'application/json', authorization: basic(f.machine.id, f.machine.secret) });
      expect(json.status).toBe(400);
      expect(json.json?.['error']).toBe('invalid_request');
      for (const init of [{ method: 'GET' }, { method: 'POST', headers: { authorization: 'Basic ###' }, body: 'a=%' }, { method: 'OPTIONS' }] as RequestInit[]) {
        expect((await fetch(meta['token_endpoint']!, init)).status).toBeLessThan(500);
      }
      const big = await fetch(meta['token_endpoint']!, { method: 'POST', headers: { 'content-type': 'application/x-www-form-urlencoded' }, body: 'x='.padEnd(100_000, 'a') }).then((r) => r.status, () => 'closed');
      expect(big === 'closed' || (typeof big === 'number' && big < 500)).toBe(true);
      expect((await fetch(`${server.issuer}/.well-known/openid-configuration`)).status).toBe(200);
    });

    it('exits within 5 s of SIGTERM, even with a keep-alive connection open', async () => {
      await fetch(`${server.issuer}/.well-known/openid-configuration`, { keepalive: true });
      const stopped = await server.stop('SIGTERM');
      expect(stopped.ms).toBeLessThan(5000);
      expect(stopped.code).toBe(0);
    });
  });
}
