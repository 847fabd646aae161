/**
 * Client ID metadata documents end to end: a client known to the server only by the URL of its metadata document
 * runs the authorization code flow with PKCE. The document is served over plain http on 127.0.0.1 with
 * OUTBOUND_ALLOW_LOOPBACK=1 — the test allowance; in production the server fetches only https documents from public
 * addresses (the last test shows the same document refused without the allowance).
 */
import { createHash, randomBytes } from 'node:crypto';
import { createServer, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createBrowser, formsOf } from './browser.js';
import { makeSeed, type SeedFixture } from './fixtures.js';
import { callbackOf, decide, post, signIn } from './flows.js';
import { startServer, type Running } from './harness.js';

describe('client ID metadata documents (end to end)', () => {
  let docServer: Server;
  let clientId: string;
  let fixture: SeedFixture;
  let hits = 0;
  let server: Running | undefined;
  const redirectUri = 'https://mcp-client.example.test/oauth/callback';

  beforeAll(async () => {
    fixture = await makeSeed();
    docServer = createServer((req, res) => {
      if (req.url !== '/oauth/client.json') return void res.writeHead(404).end();
      hits++;
      res
        .writeHead(200, { 'content-type': 'application/json', 'cache-control': 'max-age=300' })
        .end(JSON.stringify({ client_id: clientId, client_name: 'Example MCP Client', redirect_uris: [redirectUri], grant_types: ['authorization_code', 'refresh_token'], response_types: ['code'], token_endpoint_auth_method: 'none', scope: 'openid profile' }));
    });
    await new Promise<void>((resolve) => docServer.listen(0, '127.0.0.1', resolve));
    clientId = `http://127.0.0.1:${(docServer.address() as AddressInfo).port}/oauth/client.json`;
  });
  afterAll(async () => {
    await server?.stop();
    docServer.closeAllConnections();
    await new Promise((resolve) => docServer.close(resolve));
  });

  const pkce = () => {
    const verifier = randomBytes(32).toString('base64url');
    return { verifier, challenge: createHash('sha256').update(verifier).digest('base64url') };
  };
  const authorizeUrl = (issuer: string, challenge: string, redirect = redirectUri) =>
    `${issuer}/authorize?${new URLSearchParams({ client_id: clientId, redirect_uri: redirect, response_type: 'code', scope: 'openid profile', state: 'st-1', code_challenge: challenge, code_challenge_method: 'S256' }).toString()}`;
  const metadata = async (issuer: string) => (await (await fetch(`${issuer}/.well-known/openid-configuration`)).json()) as Record<string, unknown>;

  it('a CIMD client completes the code flow: consent shows its name and redirect host, tokens are issued to the URL client id', async () => {
    server = await startServer(fixture.seed, { OUTBOUND_ALLOW_LOOPBACK: '1' });
    expect(await metadata(server.issuer)).toMatchObject({ client_id_metadata_document_supported: true });
    const { verifier, challenge } = pkce();
    const b = createBrowser([new URL(server.issuer).origin]);
    const login = await b.get(authorizeUrl(server.issuer, challenge));
    const consent = await signIn(b, login, fixture.user);
    expect(consent.body).toContain('Example MCP Client');
    expect(consent.body).toContain('mcp-client.example.test');
    const callback = callbackOf(await decide(b, consent, 'approve'));
    expect(`${callback.origin}${callback.pathname}`).toBe(redirectUri);
    expect(callback.searchParams.get('state')).toBe('st-1');
    expect(callback.searchParams.get('iss')).toBe(server.issuer);
    const tokens = await post(`${server.issuer}/token`, new URLSearchParams({ grant_type: 'authorization_code', code: callback.searchParams.get('code') ?? '', redirect_uri: redirectUri, code_verifier: verifier, client_id: clientId }));
    expect(tokens.status).toBe(200);
    expect(tokens.json).toMatchObject({ token_type: 'Bearer', scope: 'openid profile', id_token: expect.any(String), refresh_token: expect.any(String) });
    const refreshed = await post(`${server.issuer}/token`, new URLSearchParams({ grant_type: 'refresh_token', refresh_token: String(tokens.json?.['refresh_token']), client_id: clientId }));
    expect(refreshed.status).toBe(200);
    expect(hits).toBe(1); // cached for its max-age
  });

  it('a redirect URI that is not in the document: a 4xx page, no redirect', async () => {
    if (server === undefined) throw new Error('the first test starts the server');
    const b = createBrowser([new URL(server.issuer).origin]);
    const page = await b.get(authorizeUrl(server.issuer, pkce().challenge, 'https://attacker.example.test/cb'));
    expect(page.status).toBeGreaterThanOrEqual(400);
    expect(page.status).toBeLessThan(500);
    expect(page.headers.get('location')).toBeNull();
    expect(formsOf(page).some((f) => f.inputs.some((i) => i.name === 'password'))).toBe(false);
    await server.stop();
    server = undefined;
  });

  it('without the loopback allowance the same document is never fetched (http, loopback address): unknown client', async () => {
    const before = hits;
    server = await startServer(fixture.seed, { LOG_LEVEL: 'debug' });
    const b = createBrowser([new URL(server.issuer).origin]);
    const page = await b.get(authorizeUrl(server.issuer, pkce().challenge));
    expect(page.status).toBe(400);
    expect(page.headers.get('location')).toBeNull();
    expect(hits).toBe(before);
    expect(server.output()).toMatch(/client id metadata document refused/);
    await server.stop();
    server = undefined;
  });

  it('CLIENT_ID_METADATA_DOCUMENTS=off: not advertised, URL client ids are unknown', async () => {
    const before = hits;
    server = await startServer(fixture.seed, { CLIENT_ID_METADATA_DOCUMENTS: 'off', OUTBOUND_ALLOW_LOOPBACK: '1' });
    expect(await metadata(server.issuer)).not.toHaveProperty('client_id_metadata_document_supported');
    const page = await createBrowser([new URL(server.issuer).origin]).get(authorizeUrl(server.issuer, pkce().challenge));
    expect(page.status).toBe(400);
    expect(hits).toBe(before);
  });
});
