import type { Server } from 'node:http';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { Client } from '@modelcontextprotocol/sdk/client/index.js';
import { UnauthorizedError, type OAuthClientProvider } from '@modelcontextprotocol/sdk/client/auth.js';
import { StreamableHTTPClientTransport } from '@modelcontextprotocol/sdk/client/streamableHttp.js';
import type { OAuthClientInformationMixed, OAuthTokens } from '@modelcontextprotocol/sdk/shared/auth.js';
import { mcpExampleApp, toolsScope } from './mcp-server.js';
import { signInAndConsent } from './test/browser.js';
import { freePort, startReferenceServer, type ReferenceServer } from './test/reference-server.js';

/**
 * The MCP authorization flow end to end: the reference server (REGISTRATION=open, the MCP server seeded as an RFC 8707
 * resource), this example's MCP server in its own HTTP server, and the official SDK's client doing everything an MCP
 * client does — discovery from the 401 (RFC 9728), dynamic registration (RFC 7591), PKCE S256 with `resource`
 * (RFC 8707), the token request — while the test plays the person at the login and consent pages.
 */
const user = { username: 'alice', password: 'alice-password-0123', sub: 'user-alice' };
const rs = { clientId: 'mcp-resource-server', secret: 'mcp-rs-secret-0123456789abcdef' };
const otherApi = { identifier: 'https://other.example/api', client: 'other-svc', secret: 'other-svc-secret-0123456789abcdef' };

let as: ReferenceServer;
let mcp: Server;
let mcpUrl: string;

beforeAll(async () => {
  const mcpPort = await freePort();
  mcpUrl = `http://127.0.0.1:${mcpPort}/mcp`;
  const confidential = { redirect_uris: [], response_types: [], grant_types: ['client_credentials'], token_endpoint_auth_method: 'client_secret_basic' };
  as = await startReferenceServer(
    {
      clients: [
        { ...confidential, client_id: rs.clientId, client_secret: rs.secret, scope: '' },
        { ...confidential, client_id: otherApi.client, client_secret: otherApi.secret, scope: `other:read ${toolsScope}` },
      ],
      users: [{ username: user.username, password: user.password, claims: { sub: user.sub, name: 'Alice' } }],
      resources: [
        { identifier: mcpUrl, scope: toolsScope, introspection_client_ids: [rs.clientId] },
        { identifier: otherApi.identifier, scope: 'other:read' },
      ],
    },
    { REGISTRATION: 'open' },
  );
  const introspection = { endpoint: `${as.issuer}/introspect`, clientId: rs.clientId, clientSecret: rs.secret };
  const metadata = (await (await fetch(`${as.issuer}/.well-known/oauth-authorization-server`)).json()) as { introspection_endpoint: string };
  expect(metadata.introspection_endpoint).toBe(introspection.endpoint);
  mcp = mcpExampleApp({ issuer: as.issuer, resource: mcpUrl, introspection, allowHttp: 'loopback' }).listen(mcpPort, '127.0.0.1');
  await new Promise((resolve) => mcp.once('listening', resolve));
}, 90_000);

afterAll(async () => {
  mcp?.closeAllConnections();
  await new Promise((resolve) => mcp?.close(resolve));
  await as?.stop();
});

/** An in-memory `OAuthClientProvider` (the SDK's interface) for a native client with a loopback redirect URI. */
const memoryProvider = (redirectUrl: string) => {
  const saved: { client?: OAuthClientInformationMixed; tokens?: OAuthTokens; verifier?: string; authorizationUrl?: URL } = {};
  const state = crypto.randomUUID();
  const provider: OAuthClientProvider = {
    redirectUrl,
    clientMetadata: { client_name: 'Grantor MCP e2e', redirect_uris: [redirectUrl], grant_types: ['authorization_code', 'refresh_token'], response_types: ['code'], token_endpoint_auth_method: 'none' },
    state: () => state,
    clientInformation: () => saved.client,
    saveClientInformation: (info) => void (saved.client = info),
    tokens: () => saved.tokens,
    saveTokens: (tokens) => void (saved.tokens = tokens),
    redirectToAuthorization: (url) => void (saved.authorizationUrl = url),
    saveCodeVerifier: (verifier) => void (saved.verifier = verifier),
    codeVerifier: () => {
      if (saved.verifier === undefined) throw new Error('no code verifier saved');
      return saved.verifier;
    },
  };
  return { provider, saved, state };
};

describe('the MCP SDK client against the example, with the reference server as its authorization server', () => {
  it('a request without a token is 401 naming the RFC 9728 metadata, which names the authorization server', async () => {
    const res = await fetch(mcpUrl, { method: 'POST', headers: { 'content-type': 'application/json' }, body: '{}' });
    expect(res.status).toBe(401);
    const metadataUrl = `http://127.0.0.1:${new URL(mcpUrl).port}/.well-known/oauth-protected-resource/mcp`;
    expect(res.headers.get('www-authenticate')).toBe(`Bearer realm="${as.issuer}", resource_metadata="${metadataUrl}"`);
    expect(await (await fetch(metadataUrl)).json()).toMatchObject({ resource: mcpUrl, authorization_servers: [as.issuer], scopes_supported: [toolsScope] });
  });

  it('discovery, dynamic registration, PKCE with resource, login and consent, token, then a tool call', async () => {
    const callbackUrl = `http://127.0.0.1:${await freePort()}/callback`;
    const { provider, saved, state } = memoryProvider(callbackUrl);
    const first = new StreamableHTTPClientTransport(new URL(mcpUrl), { authProvider: provider });
    await expect(new Client({ name: 'grantor-e2e', version: '1.0.0' }).connect(first)).rejects.toBeInstanceOf(UnauthorizedError);

    // RFC 7591: the SDK registered itself at the registration endpoint it discovered.
    expect(saved.client?.client_id).toEqual(expect.any(String));
    const authorizationUrl = saved.authorizationUrl;
    expect(authorizationUrl?.origin).toBe(as.issuer);
    const params = authorizationUrl?.searchParams;
    expect(params?.get('client_id')).toBe(saved.client?.client_id);
    expect(params?.get('resource')).toBe(mcpUrl);
    expect(params?.get('code_challenge_method')).toBe('S256');
    expect(params?.get('scope')).toBe(toolsScope);

    const callback = await signInAndConsent(String(authorizationUrl), user);
    expect(callback.origin + callback.pathname).toBe(callbackUrl);
    expect(callback.searchParams.get('state')).toBe(state);
    expect(callback.searchParams.get('iss')).toBe(as.issuer);
    await first.finishAuth(callback.searchParams.get('code') ?? '');
    expect(saved.tokens).toMatchObject({ token_type: expect.stringMatching(/^bearer$/i), scope: toolsScope });

    const client = new Client({ name: 'grantor-e2e', version: '1.0.0' });
    await client.connect(new StreamableHTTPClientTransport(new URL(mcpUrl), { authProvider: provider }));
    expect((await client.listTools()).tools.map((t) => t.name)).toEqual(['whoami']);
    const result = await client.callTool({ name: 'whoami', arguments: {} });
    const [content] = result.content as { type: string; text: string }[];
    expect(JSON.parse(content?.text ?? '{}')).toMatchObject({ subject: user.sub, client_id: saved.client?.client_id, scope: [toolsScope], audience: [mcpUrl] });
    await client.close();
  });

  it('a token for another audience is refused (RFC 8707), with the challenge naming the metadata', async () => {
    const basic = `Basic ${Buffer.from(`${otherApi.client}:${otherApi.secret}`).toString('base64')}`;
    const issued = await fetch(`${as.issuer}/token`, {
      method: 'POST',
      headers: { 'content-type': 'application/x-www-form-urlencoded', authorization: basic },
      body: new URLSearchParams({ grant_type: 'client_credentials', resource: otherApi.identifier, scope: 'other:read' }),
    });
    const { access_token: token } = (await issued.json()) as { access_token: string };
    const res = await fetch(mcpUrl, {
      method: 'POST',
      headers: { 'content-type': 'application/json', accept: 'application/json, text/event-stream', authorization: `Bearer ${token}` },
      body: JSON.stringify({ jsonrpc: '2.0', id: 1, method: 'tools/list' }),
    });
    expect(res.status).toBe(401);
    expect(res.headers.get('www-authenticate')).toMatch(/^Bearer realm=".*", error="invalid_token", .*resource_metadata="http:\/\/127\.0\.0\.1:\d+\/\.well-known\/oauth-protected-resource\/mcp"$/);
  });
});
