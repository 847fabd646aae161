import { describe, expect, it } from 'vitest';
import * as E from 'fp-ts/lib/Either.js';
import { testConfig, webClient } from '../../test/fake-ports.js';
import { grantContext, grantPorts } from '../../test/token-fakes.js';
import { clientCredentialsGrant } from './index.js';

const now = 1_800_000_000;
const client = { client: webClient({ grantTypes: ['client_credentials'], scope: ['openid', 'offline_access', 'api:read', 'api:write'] }), method: 'client_secret_basic' as const };

describe('client_credentials grant (RFC 6749 §4.4)', () => {
  it('is for confidential clients only', () => {
    expect(clientCredentialsGrant.clients).toBe('confidential');
  });

  it('defaults to the registered scope minus openid/offline_access and never issues a refresh token', async () => {
    const ports = grantPorts();
    const r = await clientCredentialsGrant.handle({}, client)(grantContext(ports, now, testConfig({ lifetimes: { accessToken: 600 } })))();
    expect(r).toEqual(E.right({ access_token: 'tok1_32', token_type: 'Bearer', expires_in: 600, scope: 'api:read api:write' }));
    const [record] = [...ports.accessTokens.all.values()];
    expect(record).toMatchObject({ clientId: 'web', scope: ['api:read', 'api:write'] });
    expect(record?.subject).toBeUndefined();
    // No code or refresh token can revoke it as a group: no grant id is drawn or stored (only the token's own id).
    expect(record?.grantId).toBeUndefined();
    expect(ports.refreshTokens.all.size).toBe(0);
  });

  it('grants a requested subset', async () => {
    const r = await clientCredentialsGrant.handle({ scope: 'api:read' }, client)(grantContext(grantPorts(), now))();
    expect(E.isRight(r) && r.right.scope).toBe('api:read');
  });

  it.each([['api:admin'], ['api:read api:admin'], ['openid'], ['bad\\scope']])('refuses %s with invalid_scope (never narrowed silently)', async (scope) => {
    const r = await clientCredentialsGrant.handle({ scope }, client)(grantContext(grantPorts(), now))();
    expect(E.isLeft(r) && r.left.code).toBe('invalid_scope');
  });
});
