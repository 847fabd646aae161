import { describe, expect, it } from 'vitest';
import { createAuthorizationServer } from '@grantor/core';
import { nodeRuntime } from '@grantor/node';
import { conformanceSeed } from '@grantor/testkit';
import type { ModelClient, ModelToken, NewToken, OAuth2ServerModel } from './model.js';
import { createModelAuthorizationServer, fromOAuth2ServerModel, type ModelServerOptions } from './store.js';
import { memoryModel, type MemoryModelOptions } from './test/memory-model.js';
import { basic, bodyOf, codeFor, s256, seedClients, seedUsers, tokenRequest } from './test/fixture.js';

const issuer = 'http://127.0.0.1/oauth';
const seed = conformanceSeed;
const confidential = basic(seed.confidential.clientId, seed.confidential.secret);
const runtime = nodeRuntime({ logger: { log: () => undefined } });

const setup = (modelOptions: MemoryModelOptions = {}, patch: Partial<Record<keyof OAuth2ServerModel, unknown>> = {}, options: ModelServerOptions = {}) => {
  const m = memoryModel(seedClients(), seedUsers(), modelOptions);
  const model = { ...m.model, ...patch } as OAuth2ServerModel;
  const server = createModelAuthorizationServer({ issuer, scopesSupported: ['openid', 'offline_access', 'read', 'write'] }, model, { runtime, ...options });
  return { ...m, model, server };
};

describe('the model’s token generators', () => {
  it('the client receives (and can use) the values generateAuthorizationCode, generateAccessToken and generateRefreshToken made', async () => {
    const { server, accessTokens } = setup({ generators: true });
    const verifier = 'g'.repeat(43);
    const code = await codeFor(server, seed.confidential, 'offline_access read', verifier);
    expect(code).toMatch(/^model-code-\d+$/);
    const issued = await server.handle(tokenRequest(server, { grant_type: 'authorization_code', code, redirect_uri: seed.confidential.redirectUri, code_verifier: verifier }, confidential));
    const body = bodyOf(issued);
    expect(body['access_token']).toMatch(/^model-at-\d+$/);
    expect(body['refresh_token']).toMatch(/^model-rt-\d+$/);
    expect(accessTokens.has(String(body['access_token']))).toBe(true);
    const auth = await server.bearer({ method: 'GET', path: '/', query: '', headers: { authorization: `Bearer ${String(body['access_token'])}` }, body: undefined });
    expect(auth._tag).toBe('Authorized');
    const refreshed = await server.handle(tokenRequest(server, { grant_type: 'refresh_token', refresh_token: String(body['refresh_token']) }, confidential));
    expect(bodyOf(refreshed)['refresh_token']).toMatch(/^model-rt-\d+$/);
  });
});

describe('failures and refusals of the model', () => {
  it('saveToken throws: 503 temporarily_unavailable and no token leaves; the consumed code stays consumed', async () => {
    const { server } = setup({}, { saveToken: async () => Promise.reject(new Error('database down')) });
    const verifier = 'f'.repeat(43);
    const code = await codeFor(server, seed.confidential, 'read', verifier);
    const exchange = () => server.handle(tokenRequest(server, { grant_type: 'authorization_code', code, redirect_uri: seed.confidential.redirectUri, code_verifier: verifier }, confidential));
    const failed = await exchange();
    expect({ status: failed.status, error: bodyOf(failed)['error'], token: bodyOf(failed)['access_token'] }).toEqual({ status: 503, error: 'temporarily_unavailable', token: undefined });
    expect(bodyOf(await exchange())['error']).toBe('invalid_grant');
  });

  it('saveToken returns nothing: server_error', async () => {
    const { server } = setup({}, { saveToken: async () => null });
    const res = await server.handle(tokenRequest(server, { grant_type: 'client_credentials', scope: 'read' }, confidential));
    expect({ status: res.status, error: bodyOf(res)['error'] }).toEqual({ status: 500, error: 'server_error' });
  });

  it('validateScope: a refused or changed scope is invalid_scope; without a scope parameter the model’s default applies', async () => {
    const { server } = setup();
    const refused = await server.handle(tokenRequest(server, { grant_type: 'client_credentials', scope: 'admin' }, confidential));
    expect(bodyOf(refused)['error']).toBe('invalid_scope');
    const narrowing = setup({}, { validateScope: async () => ['read'] }).server;
    const changed = await narrowing.handle(tokenRequest(narrowing, { grant_type: 'client_credentials', scope: 'read write' }, confidential));
    expect(bodyOf(changed)['error']).toBe('invalid_scope');
    const defaulted = await server.handle(tokenRequest(server, { grant_type: 'client_credentials' }, confidential));
    expect(bodyOf(defaulted)['scope']).toBe('read write');
  });

  it('a port used outside the wrapped server refuses (server_error), it never guesses', async () => {
    const m = memoryModel(seedClients(), seedUsers());
    const store = fromOAuth2ServerModel(m.model);
    const bare = createAuthorizationServer({ issuer, grantTypes: store.grantTypes }, { ...runtime, ...store });
    const res = await bare.handle(tokenRequest(bare, { grant_type: 'client_credentials' }, confidential));
    expect(bodyOf(res)['error']).toBe('server_error');
    expect(m.calls).toEqual([]);
  });
});

describe('options and optional model functions', () => {
  it('allowExtendedTokenAttributes copies extra members of the saved token into the response', async () => {
    const saveToken = async (token: NewToken, client: ModelClient, user: Record<string, unknown>): Promise<ModelToken> => ({ ...token, client, user, tenant: 'acme' });
    const plain = setup({}, { saveToken }).server;
    expect(bodyOf(await plain.handle(tokenRequest(plain, { grant_type: 'client_credentials', scope: 'read' }, confidential)))['tenant']).toBeUndefined();
    const extended = setup({}, { saveToken }, { allowExtendedTokenAttributes: true }).server;
    expect(bodyOf(await extended.handle(tokenRequest(extended, { grant_type: 'client_credentials', scope: 'read' }, confidential)))['tenant']).toBe('acme');
  });

  it('requireClientAuthentication { password: false } lets a client omit its secret for that grant only', async () => {
    const { server } = setup({}, {}, { requireClientAuthentication: { password: false } });
    const params = { grant_type: 'password', username: 'bob', password: seed.grants.user.password, scope: 'read', client_id: seed.grants.passwordClient.clientId };
    expect((await server.handle(tokenRequest(server, params))).status).toBe(200);
    const strict = setup().server;
    expect(bodyOf(await strict.handle(tokenRequest(strict, params)))['error']).toBe('invalid_client');
  });

  it('validateRedirectUri decides about the requested redirect URI (registered or not)', async () => {
    const other = 'https://client.example/other';
    const { server } = setup({}, { validateRedirectUri: async (uri: string) => uri === other });
    const authorize = (redirectUri: string) =>
      server.handle({
        method: 'GET',
        path: server.config.routes.authorization,
        query: new URLSearchParams({ response_type: 'code', client_id: seed.confidential.clientId, redirect_uri: redirectUri, scope: 'read', code_challenge: s256('v'.repeat(43)), code_challenge_method: 'S256' }).toString(),
        headers: {},
        body: undefined,
      });
    const accepted = await authorize(other);
    expect(accepted._tag === 'Redirect' && accepted.location.includes('/interaction/')).toBe(true);
    const refused = await authorize(seed.confidential.redirectUri);
    expect(refused._tag).toBe('Html');
  });

  it('revoking a refresh token (RFC 7009) calls revokeToken; revoking an access token is refused (the model cannot)', async () => {
    const { server, refreshTokens } = setup();
    const verifier = 'r'.repeat(43);
    const code = await codeFor(server, seed.confidential, 'offline_access read', verifier);
    const body = bodyOf(await server.handle(tokenRequest(server, { grant_type: 'authorization_code', code, redirect_uri: seed.confidential.redirectUri, code_verifier: verifier }, confidential)));
    const revoke = (token: string) => server.handle({ ...tokenRequest(server, { token }, confidential), path: server.config.routes.revocation });
    expect((await revoke(String(body['refresh_token']))).status).toBe(200);
    expect(refreshTokens.has(String(body['refresh_token']))).toBe(false);
    expect((await revoke(String(body['access_token']))).status).toBe(500);
  });

  it('tokenEndpointAuthMethod marks public clients: PKCE is then required at the authorization endpoint', async () => {
    const authorize = (server: ReturnType<typeof setup>['server']) =>
      server.handle({
        method: 'GET',
        path: server.config.routes.authorization,
        query: new URLSearchParams({ response_type: 'code', client_id: seed.confidential.clientId, redirect_uri: seed.confidential.redirectUri, scope: 'read', state: 's' }).toString(),
        headers: {},
        body: undefined,
      });
    const confidentialByDefault = await authorize(setup().server);
    expect(confidentialByDefault._tag === 'Redirect' && confidentialByDefault.location.includes('/interaction/')).toBe(true);
    const marked = await authorize(setup({}, {}, { tokenEndpointAuthMethod: () => 'none' }).server);
    expect(marked._tag === 'Redirect' ? new URL(marked.location).searchParams.get('error') : marked._tag).toBe('invalid_request');
  });
});
