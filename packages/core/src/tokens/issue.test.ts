import { describe, expect, it } from 'vitest';
import * as E from 'fp-ts/lib/Either.js';
import * as TE from 'fp-ts/lib/TaskEither.js';
import type { GrantContext } from './token-response.js';
import { httpRequest } from '../http/http-request.js';
import { testConfig, testLogger, testRandom, testSecrets, webClient } from '../test/fake-ports.js';
import { failing, memoryAccessTokens, memoryRefreshTokens, testTokenHooks } from '../test/token-fakes.js';
import { issueTokens, type IssueFacts, type IssuePorts, type TokenHooks } from './issue.js';

const now = 1_800_000_000;
const setup = (overrides: Partial<IssuePorts> = {}, config = testConfig({ lifetimes: { accessToken: 600, refreshToken: 86400, idToken: 600 } })) => {
  const accessTokens = memoryAccessTokens();
  const refreshTokens = memoryRefreshTokens();
  const logger = testLogger();
  const ports: IssuePorts = { random: testRandom(), secrets: testSecrets, accessTokens, refreshTokens, logger, tokens: testTokenHooks, ...overrides };
  const ctx: GrantContext<IssuePorts> = { config, ports, now: now + 0.7, request: httpRequest({ method: 'POST', path: '/token' }) };
  return { ctx, accessTokens, refreshTokens, logger };
};
const facts = (extra: Partial<Extract<IssueFacts, { readonly grantId: string }>> = {}): IssueFacts => ({
  client: webClient(),
  grantType: 'authorization_code',
  grantId: 'g1',
  subject: 'alice',
  scope: ['openid', 'profile'],
  refresh: { _tag: 'New' },
  ...extra,
});

describe('issueTokens (RFC 6749 §5.1)', () => {
  it('issues an opaque access token stored by hash, and a refresh token of the grant', async () => {
    const { ctx, accessTokens, refreshTokens } = setup();
    const r = await issueTokens(facts({ authTime: now - 5, nonce: 'n' }))(ctx)();
    expect(r).toEqual(E.right({ access_token: 'tok1_32', token_type: 'Bearer', expires_in: 600, scope: 'openid profile', refresh_token: 'tok2_32', id_token: 'id-token.alice.web' }));
    expect([...accessTokens.all.values()]).toEqual([
      { id: 'h(tok1_32)', format: 'opaque', clientId: 'web', subject: 'alice', scope: ['openid', 'profile'], grantId: 'g1', authTime: now - 5, issuedAt: now, expiresAt: now + 600 },
    ]);
    expect([...refreshTokens.all.values()]).toEqual([
      { tokenHash: 'h(tok2_32)', grantId: 'g1', clientId: 'web', subject: 'alice', scope: ['openid', 'profile'], grantedScope: ['openid', 'profile'], nonce: 'n', authTime: now - 5, issuedAt: now, expiresAt: now + 86400 },
    ]);
  });

  it('issues no refresh token when the client or the server does not enable refresh_token, or the grant says None', async () => {
    const noClient = await issueTokens(facts({ client: webClient({ grantTypes: ['authorization_code'] }) }))(setup().ctx)();
    const noServer = await issueTokens(facts())(setup({}, testConfig({ grantTypes: ['authorization_code'] })).ctx)();
    const none = await issueTokens(facts({ refresh: { _tag: 'None' } }))(setup().ctx)();
    for (const r of [noClient, noServer, none]) expect(E.isRight(r) && r.right.refresh_token).toBeUndefined();
    const rotated = await issueTokens(facts({ refresh: { _tag: 'Rotated', token: 'rt-next' } }))(setup().ctx)();
    expect(E.isRight(rotated) && rotated.right.refresh_token).toBe('rt-next');
  });

  it('uses client lifetime overrides', async () => {
    const r = await issueTokens(facts({ client: webClient({ lifetimes: { accessToken: 42 } }) }))(setup().ctx)();
    expect(E.isRight(r) && r.right.expires_in).toBe(42);
  });

  it('calls the hooks for JWT access tokens and ID tokens', async () => {
    const seen: unknown[] = [];
    const tokens: TokenHooks = {
      accessToken: (record) => TE.right(`jwt.${record.id}`),
      idToken: (req) => {
        seen.push(req);
        return TE.right('id.token');
      },
    };
    const { ctx, accessTokens } = setup({ tokens });
    const r = await issueTokens(facts({ client: webClient({ accessTokenFormat: 'jwt' }), nonce: 'n' }))(ctx)();
    expect(E.isRight(r) && r.right).toMatchObject({ access_token: 'jwt.tok1_16', id_token: 'id.token' });
    expect(accessTokens.all.get('tok1_16')?.format).toBe('jwt');
    expect(seen).toEqual([expect.objectContaining({ subject: 'alice', nonce: 'n', accessToken: 'jwt.tok1_16', issuedAt: now, expiresAt: now + 600 })]);
  });

  it('sends an id_token exactly when openid is granted to a subject', async () => {
    const withoutOpenid = await issueTokens(facts({ scope: ['profile'] }))(setup().ctx)();
    expect(E.isRight(withoutOpenid) && withoutOpenid.right.id_token).toBeUndefined();
    const { subject: _subject, ...clientOnly } = facts();
    const withoutSubject = await issueTokens(clientOnly)(setup().ctx)();
    expect(E.isRight(withoutSubject) && withoutSubject.right.id_token).toBeUndefined();
    const r = await issueTokens(facts())(setup().ctx)();
    expect(E.isRight(r) && r.right.id_token).toBe('id-token.alice.web');
  });

  it('maps store faults (transient: temporarily_unavailable)', async () => {
    const down = setup({ accessTokens: { ...memoryAccessTokens(), save: failing<void>(true) } });
    const r = await issueTokens(facts())(down.ctx)();
    expect(E.isLeft(r) && r.left.code).toBe('temporarily_unavailable');
  });
});
