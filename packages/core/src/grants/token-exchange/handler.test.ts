import { describe, expect, it } from 'vitest';
import fc from 'fast-check';
import * as E from 'fp-ts/lib/Either.js';
import * as TE from 'fp-ts/lib/TaskEither.js';
import { SignJWT, exportJWK, generateKeyPair } from 'jose';
import type { AccessTokenRecord } from '../../domain/records.js';
import { isSubset } from '../../domain/scope.js';
import { testConfig, testIssuer, webClient } from '../../test/fake-ports.js';
import { grantContext, grantPorts } from '../../test/token-fakes.js';
import type { TokenExchangeParams } from './codec.js';
import { ownTokensPolicy, tokenExchangeGrant, tokenExchangeGrantType, tokenTypes, type TokenExchangePolicy } from './index.js';

const now = 1_800_000_000;
const config = testConfig({ grantTypes: [tokenExchangeGrantType], lifetimes: { accessToken: 600 } });
const client = webClient({ clientId: 'svc', grantTypes: [tokenExchangeGrantType], scope: ['openid', 'offline_access', 'api:read', 'api:write', 'api:admin'] });
const authenticated = { client, method: 'client_secret_basic' as const };

type Overrides = { readonly [K in keyof AccessTokenRecord]?: AccessTokenRecord[K] | undefined };
const record = (token: string, extra: Overrides = {}): AccessTokenRecord =>
  Object.fromEntries(Object.entries(base(token, extra)).filter(([, v]) => v !== undefined)) as unknown as AccessTokenRecord;
const base = (token: string, extra: Overrides) => ({
  id: `h(${token})`,
  format: 'opaque',
  clientId: 'svc',
  subject: 'alice',
  scope: ['openid', 'api:read', 'api:write'],
  grantId: 'g1',
  authTime: now - 100,
  issuedAt: now - 10,
  expiresAt: now + 600,
  ...extra,
});

const setup = (records: readonly AccessTokenRecord[] = [record('subj')], more: { tokenExchangePolicy?: TokenExchangePolicy } = {}) => {
  const base = grantPorts();
  for (const r of records) base.accessTokens.all.set(r.id, r);
  const ports = { ...base, ...more };
  const run = (params: Partial<TokenExchangeParams>) =>
    tokenExchangeGrant.handle({ subject_token: 'subj', subject_token_type: tokenTypes.accessToken, ...params }, authenticated)(grantContext(ports, now, config))();
  const issued = () => [...ports.accessTokens.all.values()].filter((r) => r.issuedAt === now);
  return { ports, run, issued };
};

const failure = async (p: Promise<E.Either<{ code: string; description: string }, unknown>>) => {
  const r = await p;
  if (E.isRight(r)) throw new Error('expected a failure');
  return r.left;
};

describe('token exchange (RFC 8693)', () => {
  it('impersonation: own token for a narrower one, issued_token_type, same subject and grant, no refresh token', async () => {
    const { run, issued, ports } = setup();
    const r = await run({ scope: 'api:read', requested_token_type: tokenTypes.accessToken });
    expect(r).toEqual(E.right({ access_token: 'tok1_32', token_type: 'Bearer', expires_in: 600, scope: 'api:read', issued_token_type: tokenTypes.accessToken }));
    expect(issued()).toEqual([expect.objectContaining({ clientId: 'svc', subject: 'alice', scope: ['api:read'], grantId: 'g1', authTime: now - 100 })]);
    expect(issued()[0]?.extra).toBeUndefined();
    expect(ports.refreshTokens.all.size).toBe(0);
  });

  it('omitted scope: the subject token scope within the client registration, without openid/offline_access', async () => {
    const { run } = setup();
    const r = await run({});
    expect(E.isRight(r) && r.right.scope).toBe('api:read api:write');
  });

  it.each([['api:admin'], ['api:read openid'], ['offline_access'], ['bad\\scope']])('refuses scope %s with invalid_scope (never widened)', async (scope) => {
    const { run } = setup();
    expect((await failure(run({ scope }))).code).toBe('invalid_scope');
  });

  it('delegation: an actor token adds act, nesting the prior actor of the subject token', async () => {
    const subject = record('subj', { extra: { act: { sub: 'gateway' } } });
    const actor = record('actor', { subject: undefined, scope: ['api:read'], grantId: 'g2' });
    const { run, issued } = setup([subject, actor]);
    const r = await run({ actor_token: 'actor', actor_token_type: tokenTypes.accessToken });
    expect(E.isRight(r)).toBe(true);
    expect(issued()[0]?.extra).toEqual({ act: { sub: 'svc', act: { sub: 'gateway' } } });
    expect(issued()[0]?.subject).toBe('alice');
  });

  it('impersonation keeps the delegation chain of the subject token', async () => {
    const { run, issued } = setup([record('subj', { extra: { act: { sub: 'gateway' } } })]);
    await run({});
    expect(issued()[0]?.extra).toEqual({ act: { sub: 'gateway' } });
  });

  it('may_act: only the named actor may act for the subject', async () => {
    const subject = record('subj', { extra: { may_act: { sub: 'bob' } } });
    const { run } = setup([subject, record('actor', { subject: 'carol' }), record('bobs', { subject: 'bob' })]);
    expect((await failure(run({ actor_token: 'actor', actor_token_type: tokenTypes.accessToken }))).code).toBe('invalid_request');
    expect(E.isRight(await run({ actor_token: 'bobs', actor_token_type: tokenTypes.accessToken }))).toBe(true);
  });

  it.each([
    ['unknown', 'nope', []],
    ['expired', 'subj', [record('subj', { expiresAt: now })]],
    ['revoked', 'subj', [record('subj', { revokedAt: now - 1 })]],
    ['issued to another client (default policy)', 'subj', [record('subj', { clientId: 'other' })]],
  ] as const)('refuses a subject token that is %s with invalid_request', async (_, token, records) => {
    const { run } = setup(records.length === 0 ? [record('subj')] : records);
    expect((await failure(run({ subject_token: token }))).code).toBe('invalid_request');
  });

  it('refuses an actor token of another client, and an actor token without its type', async () => {
    const { run } = setup([record('subj'), record('actor', { clientId: 'other' })]);
    expect((await failure(run({ actor_token: 'actor', actor_token_type: tokenTypes.accessToken }))).code).toBe('invalid_request');
    expect((await failure(run({ actor_token: 'actor' }))).code).toBe('invalid_request');
    expect((await failure(run({ actor_token_type: tokenTypes.accessToken }))).code).toBe('invalid_request');
  });

  it.each([
    ['an unsupported subject_token_type', { subject_token_type: 'urn:ietf:params:oauth:token-type:refresh_token' }],
    ['a jwt type for an opaque token', { subject_token_type: tokenTypes.jwt }],
    ['another requested_token_type', { requested_token_type: 'urn:ietf:params:oauth:token-type:id_token' }],
  ] as const)('refuses %s with invalid_request', async (_, params) => {
    const { run } = setup();
    expect((await failure(run(params))).code).toBe('invalid_request');
  });

  it('targets: none allowed by default (invalid_target); allowed ones become the audience', async () => {
    expect((await failure(setup().run({ audience: 'https://api.test' }))).code).toBe('invalid_target');
    expect((await failure(setup().run({ resource: 'not a uri' }))).code).toBe('invalid_target');
    expect((await failure(setup().run({ resource: 'https://api.test/#frag' }))).code).toBe('invalid_target');
    const { run, issued } = setup([record('subj')], { tokenExchangePolicy: ownTokensPolicy({ audiences: ['https://api.test', 'orders'] }) });
    expect(E.isRight(await run({ resource: 'https://api.test', audience: 'orders' }))).toBe(true);
    expect(issued()[0]?.audience).toEqual(['orders', 'https://api.test']);
  });

  it('a policy that widens the scope is refused as server_error; a policy refusal is passed on', async () => {
    const widen: TokenExchangePolicy = { decide: () => TE.right({ scope: ['api:admin'], audience: [] }) };
    expect((await failure(setup([record('subj')], { tokenExchangePolicy: widen }).run({}))).code).toBe('server_error');
    const deny: TokenExchangePolicy = { decide: () => TE.left({ _tag: 'OAuthError', code: 'invalid_target', description: 'no' }) };
    expect((await failure(setup([record('subj')], { tokenExchangePolicy: deny }).run({}))).code).toBe('invalid_target');
  });

  it('accepts an RFC 9068 JWT subject token verified with the server keys, and refuses it without them', async () => {
    const keys = await generateKeyPair('ES256', { extractable: true });
    const jwk = { ...(await exportJWK(keys.publicKey)), kid: 'as1', alg: 'ES256' };
    const jwt = await new SignJWT({ iss: testIssuer, sub: 'alice', client_id: 'svc', jti: 'jti-1', scope: 'api:read', exp: now + 600 })
      .setProtectedHeader({ alg: 'ES256', kid: 'as1', typ: 'at+jwt' })
      .sign(keys.privateKey);
    const rec = record('x', { id: 'jti-1', format: 'jwt', scope: ['api:read'] });
    const withKeys = setup([rec]);
    const signer = { publicJwks: () => TE.right({ keys: [jwk as never] }) };
    const ctx = grantContext({ ...withKeys.ports, signer }, now, config);
    const r = await tokenExchangeGrant.handle({ subject_token: jwt, subject_token_type: tokenTypes.jwt }, authenticated)(ctx)();
    expect(E.isRight(r) && r.right.scope).toBe('api:read');
    expect((await failure(setup([rec]).run({ subject_token: jwt, subject_token_type: tokenTypes.jwt }))).code).toBe('invalid_request');
  });

  it('property: token exchange never widens scope, whatever is requested and whatever the policy says', async () => {
    const universe = ['openid', 'offline_access', 'api:read', 'api:write', 'api:admin', 'x'];
    const scopes = fc.subarray(universe);
    const policy = fc.option(scopes, { nil: undefined }).map((s): TokenExchangePolicy | undefined =>
      s === undefined ? undefined : { decide: () => TE.right({ scope: s, audience: [] }) },
    );
    await fc.assert(
      fc.asyncProperty(scopes, fc.option(scopes, { nil: undefined }), policy, async (subjectScope, requested, tokenExchangePolicy) => {
        const { run, issued } = setup([record('subj', { scope: subjectScope })], tokenExchangePolicy === undefined ? {} : { tokenExchangePolicy });
        const r = await run(requested === undefined || requested.length === 0 ? {} : { scope: requested.join(' ') });
        for (const rec of issued()) {
          expect(isSubset(rec.scope, subjectScope)).toBe(true);
          expect(isSubset(rec.scope, client.scope)).toBe(true);
        }
        if (E.isRight(r)) expect(isSubset((r.right.scope ?? '').split(' ').filter(Boolean), subjectScope)).toBe(true);
        else expect(['invalid_scope', 'server_error']).toContain(r.left.code);
      }),
      { numRuns: 200 },
    );
  });
});
