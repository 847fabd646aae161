import { describe, expect, it } from 'vitest';
import { conformanceSeed } from '@grantor/testkit';
import { createModelAuthorizationServer } from './store.js';
import { memoryModel, type MemoryModelOptions } from './test/memory-model.js';
import { basic, bodyOf, codeFor, seedClients, seedUsers, tokenRequest } from './test/fixture.js';

const issuer = 'http://127.0.0.1/oauth';
const seed = conformanceSeed;
const confidential = basic(seed.confidential.clientId, seed.confidential.secret);

const setup = (options: MemoryModelOptions = {}) => {
  const m = memoryModel(seedClients(), seedUsers(), options);
  const server = createModelAuthorizationServer({ issuer, scopesSupported: ['openid', 'offline_access', 'read', 'write'] }, m.model);
  return { ...m, server };
};

describe.each([
  ['promises (v5)', { style: 'promise' }],
  ['callbacks (v4, scope strings)', { style: 'callback', scopeStrings: true }],
  ['plain values', { style: 'plain' }],
] as const)('an oauth2-server model answering with %s', (_name, style) => {
  it('client_credentials: the model checks the secret; the token is saved through saveToken and found through getAccessToken', async () => {
    const { server, accessTokens, calls } = setup(style);
    const ok = await server.handle(tokenRequest(server, { grant_type: 'client_credentials', scope: 'read' }, confidential));
    expect(ok.status).toBe(200);
    const token = String(bodyOf(ok)['access_token']);
    expect(accessTokens.get(token)?.accessToken).toBe(token);
    expect(calls.filter((c) => c.name === 'getClient')[0]?.args).toEqual([seed.confidential.clientId, seed.confidential.secret]);
    const auth = await server.bearer({ method: 'GET', path: '/', query: '', headers: { authorization: `Bearer ${token}` }, body: undefined });
    expect(auth._tag).toBe('Authorized');
    const wrong = await server.handle(tokenRequest(server, { grant_type: 'client_credentials' }, basic(seed.confidential.clientId, 'wrong')));
    expect({ status: wrong.status, error: bodyOf(wrong)['error'] }).toEqual({ status: 401, error: 'invalid_client' });
  });

  it('authorization code + PKCE, then refresh: the code is revoked before tokens are issued; the refresh token rotates once', async () => {
    const { server, calls, refreshTokens, model } = setup(style);
    const verifier = 'v'.repeat(43);
    const code = await codeFor(server, seed.confidential, 'offline_access read', verifier);
    const issued = await server.handle(tokenRequest(server, { grant_type: 'authorization_code', code, redirect_uri: seed.confidential.redirectUri, code_verifier: verifier }, confidential));
    expect(issued.status, JSON.stringify(issued)).toBe(200);
    const names = calls.map((c) => c.name);
    expect(names.indexOf('revokeAuthorizationCode')).toBeLessThan(names.indexOf('saveToken'));
    const refresh = String(bodyOf(issued)['refresh_token']);
    expect(refreshTokens.has(refresh)).toBe(true);
    const replay = await server.handle(tokenRequest(server, { grant_type: 'authorization_code', code, redirect_uri: seed.confidential.redirectUri, code_verifier: verifier }, confidential));
    expect(bodyOf(replay)['error']).toBe('invalid_grant');
    const rotated = await server.handle(tokenRequest(server, { grant_type: 'refresh_token', refresh_token: refresh }, confidential));
    expect(rotated.status).toBe(200);
    const next = String(bodyOf(rotated)['refresh_token']);
    expect(next).not.toBe(refresh);
    const reused = await server.handle(tokenRequest(server, { grant_type: 'refresh_token', refresh_token: refresh }, confidential));
    expect(bodyOf(reused)['error']).toBe('invalid_grant');
    // RFC 9700 §4.14.2 through the family index: the reuse revoked the successor through revokeToken.
    expect(refreshTokens.has(next)).toBe(false);
    void model;
  });

  it('password grant through getUser (case-insensitive username in this model); a wrong password is invalid_grant', async () => {
    const { server } = setup(style);
    const auth = basic(seed.grants.passwordClient.clientId, seed.grants.passwordClient.secret);
    const ok = await server.handle(tokenRequest(server, { grant_type: 'password', username: 'bob', password: seed.grants.user.password, scope: 'read' }, auth));
    expect(ok.status, JSON.stringify(ok)).toBe(200);
    const bad = await server.handle(tokenRequest(server, { grant_type: 'password', username: 'bob', password: 'nope', scope: 'read' }, auth));
    expect(bodyOf(bad)['error']).toBe('invalid_grant');
  });
});
