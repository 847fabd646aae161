import { describe, expect, it } from 'vitest';
import * as E from 'fp-ts/lib/Either.js';
import type { RefreshTokenRecord } from '../../domain/records.js';
import { testConfig, webClient } from '../../test/fake-ports.js';
import { grantContext, grantPorts } from '../../test/token-fakes.js';
import { refreshTokenGrant } from './index.js';

const now = 1_800_000_000;
const web = { client: webClient(), method: 'client_secret_basic' as const };
const first: RefreshTokenRecord = {
  tokenHash: 'h(rt0)',
  grantId: 'g1',
  clientId: 'web',
  subject: 'alice',
  scope: ['openid', 'profile'],
  grantedScope: ['openid', 'profile'],
  authTime: now - 100,
  issuedAt: now - 50,
  expiresAt: now + 1000,
};

const setup = async (grace = 0) => {
  const ports = grantPorts();
  await ports.refreshTokens.save(first)();
  await ports.accessTokens.save({ id: 'h(at0)', format: 'opaque', clientId: 'web', scope: ['openid'], grantId: 'g1', issuedAt: now - 50, expiresAt: now + 500 })();
  const config = testConfig({ refreshTokens: { reuseGraceSeconds: grace }, lifetimes: { accessToken: 600, refreshToken: 86400 } });
  return { ports, at: (t: number) => grantContext(ports, t, config) };
};

describe('refresh_token grant (RFC 6749 §6, RFC 9700 §4.14.2)', () => {
  it('rotates on every use and keeps the family', async () => {
    const { ports, at } = await setup();
    const r = await refreshTokenGrant.handle({ refresh_token: 'rt0' }, web)(at(now))();
    expect(r).toEqual(E.right({ access_token: 'tok2_32', token_type: 'Bearer', expires_in: 600, scope: 'openid profile', refresh_token: 'tok1_32', id_token: 'id-token.alice.web' }));
    expect(ports.refreshTokens.all.get('h(rt0)')).toMatchObject({ rotatedAt: now, successorHash: 'h(tok1_32)' });
    expect(ports.refreshTokens.all.get('h(tok1_32)')).toMatchObject({ grantId: 'g1', subject: 'alice', authTime: now - 100, expiresAt: now + 86400 });
    const next = await refreshTokenGrant.handle({ refresh_token: 'tok1_32' }, web)(at(now + 1))();
    expect(E.isRight(next)).toBe(true);
  });

  it('may narrow the scope but never widen it; the family keeps its granted scope', async () => {
    const { ports, at } = await setup();
    const narrowed = await refreshTokenGrant.handle({ refresh_token: 'rt0', scope: 'profile' }, web)(at(now))();
    expect(E.isRight(narrowed) && narrowed.right.scope).toBe('profile');
    expect(ports.refreshTokens.all.get('h(tok1_32)')?.grantedScope).toEqual(['openid', 'profile']);
    const back = await refreshTokenGrant.handle({ refresh_token: 'tok1_32' }, web)(at(now + 1))();
    expect(E.isRight(back) && back.right.scope).toBe('openid profile');
    const wider = await refreshTokenGrant.handle({ refresh_token: 'tok3_32', scope: 'openid email' }, web)(at(now + 2))();
    expect(E.isLeft(wider) && wider.left.code).toBe('invalid_scope');
  });

  it('reuse of a rotated token is invalid_grant and revokes the family (refresh and access tokens)', async () => {
    const { ports, at } = await setup();
    await refreshTokenGrant.handle({ refresh_token: 'rt0' }, web)(at(now))();
    const reuse = await refreshTokenGrant.handle({ refresh_token: 'rt0' }, web)(at(now + 5))();
    expect(E.isLeft(reuse) && reuse.left.code).toBe('invalid_grant');
    expect([...ports.refreshTokens.all.values()].every((t) => t.revokedAt !== undefined)).toBe(true);
    expect([...ports.accessTokens.all.values()].every((t) => t.revokedAt !== undefined)).toBe(true);
    const successor = await refreshTokenGrant.handle({ refresh_token: 'tok1_32' }, web)(at(now + 6))();
    expect(E.isLeft(successor) && successor.left.code).toBe('invalid_grant');
  });

  it('within the grace window a retry after a lost reply gets fresh tokens once; the lost token is then spent', async () => {
    const { ports, at } = await setup(10);
    const lost = await refreshTokenGrant.handle({ refresh_token: 'rt0' }, web)(at(now))();
    expect(E.isRight(lost) && lost.right.refresh_token).toBe('tok1_32');
    const retry = await refreshTokenGrant.handle({ refresh_token: 'rt0' }, web)(at(now + 10))();
    if (E.isLeft(retry)) throw new Error(retry.left.code);
    expect(retry.right).toMatchObject({ scope: 'openid profile', refresh_token: 'tok3_32' });
    // The lost reply's refresh token was rotated by the retry; its successor is the retry's.
    expect(ports.refreshTokens.all.get('h(tok1_32)')).toMatchObject({ rotatedAt: now + 10, successorHash: 'h(tok3_32)' });
    expect(ports.refreshTokens.all.get('h(tok3_32)')).toMatchObject({ grantId: 'g1', grantedScope: ['openid', 'profile'] });
    // Once: a second retry finds the successor used and is refused, still without revoking (within the window).
    const again = await refreshTokenGrant.handle({ refresh_token: 'rt0' }, web)(at(now + 10))();
    expect(E.isLeft(again) && again.left.code).toBe('invalid_grant');
    expect([...ports.refreshTokens.all.values()].some((t) => t.revokedAt !== undefined)).toBe(false);
    const next = await refreshTokenGrant.handle({ refresh_token: 'tok3_32' }, web)(at(now + 11))();
    expect(E.isRight(next)).toBe(true);
  });

  it('after the grace window a retry is reuse: refused, and the family revoked', async () => {
    const { ports, at } = await setup(10);
    await refreshTokenGrant.handle({ refresh_token: 'rt0' }, web)(at(now))();
    const late = await refreshTokenGrant.handle({ refresh_token: 'rt0' }, web)(at(now + 11))();
    expect(E.isLeft(late) && late.left.code).toBe('invalid_grant');
    expect([...ports.refreshTokens.all.values()].every((t) => t.revokedAt !== undefined)).toBe(true);
  });

  it('by default the window is open for public clients (10 s) and closed for confidential ones', async () => {
    const ports = grantPorts();
    const spa = { client: webClient({ clientId: 'spa', tokenEndpointAuthMethod: 'none', secretHashes: [] }), method: 'none' as const };
    await ports.refreshTokens.save({ ...first, clientId: 'spa', tokenHash: 'h(spa0)', grantId: 'g-spa' })();
    await ports.refreshTokens.save(first)();
    const at = (t: number) => grantContext(ports, t, testConfig({ lifetimes: { accessToken: 600, refreshToken: 86400 } }));
    await refreshTokenGrant.handle({ refresh_token: 'spa0' }, spa)(at(now))();
    const spaRetry = await refreshTokenGrant.handle({ refresh_token: 'spa0' }, spa)(at(now + 5))();
    expect(E.isRight(spaRetry)).toBe(true);
    await refreshTokenGrant.handle({ refresh_token: 'rt0' }, web)(at(now))();
    const webRetry = await refreshTokenGrant.handle({ refresh_token: 'rt0' }, web)(at(now + 1))();
    expect(E.isLeft(webRetry) && webRetry.left.code).toBe('invalid_grant');
    expect([...ports.refreshTokens.all.values()].filter((t) => t.grantId === 'g1').every((t) => t.revokedAt !== undefined)).toBe(true);
    expect([...ports.refreshTokens.all.values()].filter((t) => t.grantId === 'g-spa').some((t) => t.revokedAt !== undefined)).toBe(false);
  });

  it('refuses a token of another client without revoking, and unknown tokens', async () => {
    const { ports, at } = await setup();
    const other = await refreshTokenGrant.handle({ refresh_token: 'rt0' }, { client: webClient({ clientId: 'other' }), method: 'client_secret_basic' })(at(now))();
    expect(E.isLeft(other) && other.left.code).toBe('invalid_grant');
    expect(ports.refreshTokens.all.get('h(rt0)')?.rotatedAt).toBeUndefined();
    const unknown = await refreshTokenGrant.handle({ refresh_token: 'nope' }, web)(at(now))();
    expect(E.isLeft(unknown) && unknown.left.code).toBe('invalid_grant');
  });

  it('refuses an expired token and a scope outside the client registration', async () => {
    const { at } = await setup();
    const expired = await refreshTokenGrant.handle({ refresh_token: 'rt0' }, web)(at(now + 1000))();
    expect(E.isLeft(expired) && expired.left.code).toBe('invalid_grant');
    const notClient = await refreshTokenGrant.handle({ refresh_token: 'rt0', scope: 'admin' }, web)(at(now))();
    expect(E.isLeft(notClient) && notClient.left.code).toBe('invalid_scope');
  });
});
