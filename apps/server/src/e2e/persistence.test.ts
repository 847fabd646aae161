import { execFile } from 'node:child_process';
import { mkdtempSync, readFileSync, rmSync, statSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { promisify } from 'node:util';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import * as client from 'openid-client';
import { createRemoteJWKSet, decodeProtectedHeader, jwtVerify } from 'jose';
import { createSqlStore } from '@grantor/store-sql';
import { createBrowser, formsOf } from './browser.js';
import { callbackOf, decide, discover, signIn } from './flows.js';
import { freePort, mainJs, repoRoot, startServer, type Running } from './harness.js';

/**
 * The reference server on SQLite under DATA_DIR without SEED (demo data): private keys encrypted at rest, key rotation
 * by `rotate-keys` (picked up on SIGHUP) keeping earlier tokens verifiable, and a restart that keeps clients, consents,
 * tokens, keys and the demo data.
 */
describe('persistent store: encryption at rest, rotation, restart (end to end)', () => {
  const dataDir = mkdtempSync(path.join(tmpdir(), 'grantor-data-'));
  let port: number;
  let server: Running;
  let demo: { webSecret: string; password: string; sub: string };
  let web: client.Configuration;
  const redirectUri = 'http://127.0.0.1:8080/callback';
  const user = () => ({ username: 'demo', password: demo.password, sub: demo.sub, claims: {} });
  const tokens: { first?: client.TokenEndpointResponse; latest?: client.TokenEndpointResponse } = {};
  /** The browser that signed in first: its session must survive the restart. */
  let signedIn: ReturnType<typeof createBrowser> | undefined;

  beforeAll(async () => {
    port = await freePort();
    server = await startServer(undefined, { DATA_DIR: dataDir }, '', port);
    demo = JSON.parse(readFileSync(path.join(dataDir, 'demo-seed.json'), 'utf8')) as typeof demo;
    web = await discover(server.issuer, 'demo-web', client.ClientSecretBasic(demo.webSecret));
  });
  afterAll(async () => {
    await server?.stop('SIGTERM');
    rmSync(dataDir, { recursive: true, force: true });
  });

  const request = async (scope = 'openid profile api:read') => {
    const verifier = client.randomPKCECodeVerifier();
    const state = client.randomState();
    const url = client.buildAuthorizationUrl(web, { redirect_uri: redirectUri, scope, state, code_challenge: await client.calculatePKCECodeChallenge(verifier), code_challenge_method: 'S256' });
    return { url, verifier, state };
  };
  const jwksUri = async (): Promise<string> =>
    ((await (await fetch(`${server.issuer}/.well-known/openid-configuration`)).json()) as { jwks_uri: string }).jwks_uri;
  const jwks = async (): Promise<{ keys: { kid: string }[] }> => (await (await fetch(await jwksUri())).json()) as { keys: { kid: string }[] };
  const verifies = async (jwt: string) => jwtVerify(jwt, createRemoteJWKSet(new URL(await jwksUri()), { cacheMaxAge: 0, cooldownDuration: 0 }), { issuer: server.issuer });

  it('runs the code flow with consent on the demo client; private keys are stored encrypted, the generated secret is 0600', async () => {
    const r = await request();
    const b = createBrowser([new URL(server.issuer).origin]);
    signedIn = b;
    let page = await b.get(r.url.toString());
    page = await signIn(b, page, user());
    expect(formsOf(page).some((f) => f.buttons.some((x) => x.name === 'decision'))).toBe(true);
    page = await decide(b, page, 'approve');
    const t = await client.authorizationCodeGrant(web, callbackOf(page), { pkceCodeVerifier: r.verifier, expectedState: r.state, idTokenExpected: true });
    expect(t.claims()?.sub).toBe(demo.sub);
    expect(t.refresh_token).toEqual(expect.any(String));
    tokens.first = t;
    tokens.latest = t;

    expect(statSync(path.join(dataDir, 'key-secret')).mode & 0o777).toBe(0o600);
    const store = createSqlStore({ db: { dataDir } });
    try {
      const rows = await store.db.selectFrom('grantor_signing_keys').select(['kid', 'private_jwk']).execute();
      expect(rows.length).toBeGreaterThan(0);
      for (const row of rows) {
        expect(row.private_jwk).not.toContain('"d"');
        expect(() => JSON.parse(row.private_jwk) as unknown).toThrow();
        expect(row.private_jwk.split('.')).toHaveLength(5);
      }
    } finally {
      await store.close();
    }
  });

  it('rotate-keys rotates the stored keys; after SIGHUP new tokens use a new key and tokens signed before still verify', async () => {
    const before = (await jwks()).keys.map((k) => k.kid);
    const oldKid = decodeProtectedHeader(tokens.first!.id_token!).kid;
    const run = await promisify(execFile)(process.execPath, [mainJs, 'rotate-keys'], { cwd: repoRoot, env: { PATH: process.env['PATH'] ?? '', DATA_DIR: dataDir } });
    expect(run.stdout).toMatch(/signing keys rotated/);
    server.proc.kill('SIGHUP');
    let after = before;
    for (let i = 0; i < 100 && after.join(' ') === before.join(' '); i++) {
      await new Promise((r) => setTimeout(r, 100));
      after = (await jwks()).keys.map((k) => k.kid);
    }
    expect(after).not.toEqual(before);
    expect(after).toContain(oldKid);
    const refreshed = await client.refreshTokenGrant(web, tokens.latest!.refresh_token!);
    tokens.latest = refreshed;
    const newKid = decodeProtectedHeader(refreshed.id_token!).kid;
    expect(newKid).not.toBe(oldKid);
    expect(after).toContain(newKid);
    // Signed before the rotation, verified against jwks_uri after it.
    expect((await verifies(tokens.first!.id_token!)).payload.sub).toBe(demo.sub);
    // Access tokens are opaque here: the one issued before the rotation still introspects active.
    expect(await client.tokenIntrospection(web, tokens.first!.access_token)).toMatchObject({ active: true, sub: demo.sub });
    expect((await verifies(refreshed.id_token!)).payload.sub).toBe(demo.sub);
  });

  it('restarts with the same DATA_DIR keeping clients, tokens, consent, keys and the demo data', async () => {
    const keysBefore = await jwks();
    const stopped = await server.stop('SIGTERM');
    expect(stopped.ms).toBeLessThan(5000);
    server = await startServer(undefined, { DATA_DIR: dataDir }, '', port);
    expect(JSON.parse(readFileSync(path.join(dataDir, 'demo-seed.json'), 'utf8'))).toEqual(demo);
    expect(await jwks()).toEqual(keysBefore);
    web = await discover(server.issuer, 'demo-web', client.ClientSecretBasic(demo.webSecret));
    // The access token still introspects active; ID tokens from before still verify.
    expect(await client.tokenIntrospection(web, tokens.latest!.access_token)).toMatchObject({ active: true, client_id: 'demo-web', sub: demo.sub });
    expect((await verifies(tokens.first!.id_token!)).payload.sub).toBe(demo.sub);
    // The refresh token still works.
    const refreshed = await client.refreshTokenGrant(web, tokens.latest!.refresh_token!);
    expect(refreshed.claims()?.sub).toBe(demo.sub);
    // The browser session survives the restart (sessions live in the store): no login page, straight back.
    const kept = await request();
    const resumed = await signedIn!.get(kept.url.toString());
    expect(formsOf(resumed).some((f) => f.inputs.some((i) => i.name === 'password'))).toBe(false);
    expect((await client.authorizationCodeGrant(web, callbackOf(resumed), { pkceCodeVerifier: kept.verifier, expectedState: kept.state })).claims()?.sub).toBe(demo.sub);
    // A new browser signs in; the consent is remembered: login, then straight back.
    const r = await request();
    const b = createBrowser([new URL(server.issuer).origin]);
    const login = await b.get(r.url.toString());
    const back = await signIn(b, login, user());
    expect(formsOf(back).some((f) => f.buttons.some((x) => x.name === 'decision'))).toBe(false);
    const t = await client.authorizationCodeGrant(web, callbackOf(back), { pkceCodeVerifier: r.verifier, expectedState: r.state });
    expect(t.claims()?.sub).toBe(demo.sub);
    // The same demo client secret and password work (no new demo data).
    expect(server.output()).toContain(demo.webSecret);
  });
});
