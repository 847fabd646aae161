import { describe, expect, it } from 'vitest';
import * as E from 'fp-ts/lib/Either.js';
import type { AuthorizationCodeRecord } from '../../domain/records.js';
import { publicClient, testConfig, webClient } from '../../test/fake-ports.js';
import { failing, grantContext, grantPorts } from '../../test/token-fakes.js';
import { authorizationCodeGrant } from './index.js';
import { decodeParams } from '../../codec/decode.js';

const now = 1_800_000_000;
const verifier = 'dBjftJeZ4CVP-mB92K27uhbUJU1p1r_wW1gFWFOEjXk';
const code = (extra: Partial<AuthorizationCodeRecord> = {}): AuthorizationCodeRecord => ({
  codeHash: 'h(the-code)',
  grantId: 'g1',
  clientId: 'web',
  redirectUri: 'https://rp.example.test/cb',
  subject: 'alice',
  scope: ['openid', 'profile'],
  pkce: { challenge: `h(${verifier})`, method: 'S256' },
  nonce: 'n-1',
  authTime: now - 30,
  issuedAt: now - 5,
  expiresAt: now + 55,
  ...extra,
});

const setup = async (record = code()) => {
  const ports = grantPorts();
  await ports.authorizationCodes.save(record)();
  return { ports, ctx: grantContext(ports, now, testConfig({ lifetimes: { accessToken: 600 } })) };
};
const params = { code: 'the-code', redirect_uri: 'https://rp.example.test/cb', code_verifier: verifier };
const web = { client: webClient(), method: 'client_secret_basic' as const };

describe('authorization_code grant (RFC 6749 §4.1.3)', () => {
  it('decodes its parameters (code required)', () => {
    expect(E.isRight(decodeParams(authorizationCodeGrant.params, { code: 'x' }))).toBe(true);
    const missing = decodeParams(authorizationCodeGrant.params, { redirect_uri: 'x' });
    expect(E.isLeft(missing) && missing.left.code).toBe('invalid_request');
  });

  it('redeems a code once into access, refresh tokens of the grant', async () => {
    const { ports, ctx } = await setup();
    const r = await authorizationCodeGrant.handle(params, web)(ctx)();
    expect(r).toEqual(E.right({ access_token: 'tok1_32', token_type: 'Bearer', expires_in: 600, scope: 'openid profile', refresh_token: 'tok2_32', id_token: 'id-token.alice.web' }));
    expect(ports.accessTokens.all.get('h(tok1_32)')).toMatchObject({ grantId: 'g1', subject: 'alice', authTime: now - 30 });
    expect(ports.refreshTokens.all.get('h(tok2_32)')).toMatchObject({ grantId: 'g1', nonce: 'n-1', grantedScope: ['openid', 'profile'] });
  });

  it('a replay is invalid_grant and revokes the access and refresh tokens issued from the code', async () => {
    const { ports, ctx } = await setup();
    await authorizationCodeGrant.handle(params, web)(ctx)();
    const again = await authorizationCodeGrant.handle(params, web)(grantContext(ports, now + 3))();
    expect(E.isLeft(again) && again.left.code).toBe('invalid_grant');
    expect([...ports.accessTokens.all.values()].map((t) => t.revokedAt)).toEqual([now + 3]);
    expect([...ports.refreshTokens.all.values()].map((t) => t.revokedAt)).toEqual([now + 3]);
  });

  it.each([
    ['an unknown code', { ...params, code: 'other' }, web],
    ['another client', params, { client: webClient({ clientId: 'other' }), method: 'client_secret_basic' as const }],
    ['another redirect_uri', { ...params, redirect_uri: 'https://rp.example.test/cb2?x=1' }, web],
    ['no redirect_uri', { code: 'the-code', code_verifier: verifier }, web],
    ['a wrong verifier', { ...params, code_verifier: 'x'.repeat(43) }, web],
    ['no verifier', { code: 'the-code', redirect_uri: params.redirect_uri }, web],
  ])('refuses %s with invalid_grant and issues nothing', async (_, p, client) => {
    const { ports, ctx } = await setup();
    const r = await authorizationCodeGrant.handle(p, client)(ctx)();
    expect(E.isLeft(r) && r.left.code).toBe('invalid_grant');
    expect(ports.accessTokens.all.size).toBe(0);
  });

  it('refuses an expired code, and a verifier for a code without PKCE', async () => {
    const expired = await setup(code({ expiresAt: now }));
    const r1 = await authorizationCodeGrant.handle(params, web)(expired.ctx)();
    expect(E.isLeft(r1) && r1.left.code).toBe('invalid_grant');
    const { pkce: _p, ...withoutPkce } = code();
    const plain = await setup(withoutPkce);
    const r2 = await authorizationCodeGrant.handle(params, web)(plain.ctx)();
    expect(E.isLeft(r2) && r2.left.code).toBe('invalid_grant');
  });

  it('refuses a syntactically invalid verifier with invalid_request before touching the code', async () => {
    const { ports, ctx } = await setup();
    const r = await authorizationCodeGrant.handle({ ...params, code_verifier: 'short' }, web)(ctx)();
    expect(E.isLeft(r) && r.left.code).toBe('invalid_request');
    expect(ports.authorizationCodes.all.get('h(the-code)')?.redeemedAt).toBeUndefined();
  });

  it('serves public clients with PKCE (no refresh token unless the client has the grant type)', async () => {
    const { ctx } = await setup(code({ clientId: 'spa', redirectUri: 'https://spa.example.test/cb' }));
    const spa = { client: publicClient({ grantTypes: ['authorization_code'] }), method: 'none' as const };
    const r = await authorizationCodeGrant.handle({ ...params, redirect_uri: 'https://spa.example.test/cb' }, spa)(ctx)();
    expect(E.isRight(r) && r.right.refresh_token).toBeUndefined();
  });

  it('refuses a code without PKCE for a public client (defence in depth)', async () => {
    const { pkce: _p, ...withoutPkce } = code({ clientId: 'spa', redirectUri: 'https://spa.example.test/cb' });
    const { ctx } = await setup(withoutPkce);
    const spa = { client: publicClient(), method: 'none' as const };
    const r = await authorizationCodeGrant.handle({ code: 'the-code', redirect_uri: 'https://spa.example.test/cb' }, spa)(ctx)();
    expect(E.isLeft(r) && r.left.code).toBe('invalid_grant');
  });

  it('maps store faults', async () => {
    const { ports } = await setup();
    const down = { ...ports, authorizationCodes: { ...ports.authorizationCodes, redeem: failing<never>(false) } };
    const r = await authorizationCodeGrant.handle(params, web)(grantContext(down, now))();
    expect(E.isLeft(r) && r.left.code).toBe('server_error');
  });
});
