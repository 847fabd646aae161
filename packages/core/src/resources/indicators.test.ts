import { describe, expect, it } from 'vitest';
import * as E from 'fp-ts/lib/Either.js';
import * as fc from 'fast-check';
import type { RefreshTokenRecord } from '../domain/records.js';
import { testConfig, webClient } from '../test/fake-ports.js';
import { grantContext, grantPorts } from '../test/token-fakes.js';
import { clientCredentialsGrant } from '../grants/client-credentials/index.js';
import { refreshTokenGrant } from '../grants/refresh-token/index.js';
import { authorizationCodeGrant } from '../grants/authorization-code/index.js';
import { validateAuthorizeRequest } from '../endpoints/authorize-request.js';
import { audienceFacts, narrowedResources, requestedResources, scopeForAudience } from './indicators.js';

const now = 1_800_000_000;
const api = 'https://api.example.test/';
const billing = 'https://billing.example.test/';
const config = testConfig({
  resources: [
    { identifier: api, scope: 'api:read api:write', accessTokenFormat: 'jwt', accessTokenLifetime: 300 },
    { identifier: billing, scopes: ['billing:read'] },
  ],
});
const m2m = { client: webClient({ grantTypes: ['client_credentials'], scope: ['api:read', 'billing:read'] }), method: 'client_secret_basic' as const };
const web = { client: webClient({ scope: ['openid', 'api:read', 'billing:read'] }), method: 'client_secret_basic' as const };

describe('resource indicators (RFC 8707)', () => {
  it('accepts registered resources only; malformed or unknown ones are invalid_target', () => {
    expect(requestedResources(config.resources, [api, api, billing])).toEqual(E.right([api, billing]));
    expect(requestedResources(config.resources, undefined)).toEqual(E.right(undefined));
    for (const bad of ['https://unknown.example.test/', 'relative/path', `${api}#f`, 'https://api.example.test']) {
      const r = requestedResources(config.resources, [bad]);
      expect(E.isLeft(r) && r.left.code).toBe('invalid_target');
    }
  });

  it('narrows to a granted resource and never adds one', () => {
    expect(narrowedResources(config.resources, undefined, [api, billing])).toEqual(E.right([api, billing]));
    expect(narrowedResources(config.resources, billing, [api, billing])).toEqual(E.right([billing]));
    const added = narrowedResources(config.resources, billing, [api]);
    expect(E.isLeft(added) && added.left.code).toBe('invalid_target');
    const none = narrowedResources(config.resources, api, undefined);
    expect(E.isLeft(none) && none.left.code).toBe('invalid_target');
  });

  it("drops other resources' scopes from a token, keeps scopes no resource claims, and applies the resource's format and lifetime", () => {
    expect(scopeForAudience(config.resources, [api], ['openid', 'api:read', 'billing:read'])).toEqual(['openid', 'api:read']);
    expect(scopeForAudience(config.resources, undefined, ['api:read', 'billing:read'])).toEqual(['api:read', 'billing:read']);
    expect(audienceFacts(config.resources, [api], ['api:read'])).toEqual({ audience: [api], scope: ['api:read'], accessTokenFormat: 'jwt', accessTokenLifetime: 300 });
  });

  it('client_credentials: the token for a resource has it as audience, with its format and lifetime', async () => {
    const ports = grantPorts();
    const r = await clientCredentialsGrant.handle({ resource: api }, m2m)(grantContext(ports, now, config))();
    expect(E.isRight(r) && r.right).toMatchObject({ expires_in: 300, scope: 'api:read' });
    const [record] = [...ports.accessTokens.all.values()];
    expect(record).toMatchObject({ audience: [api], format: 'jwt', scope: ['api:read'] });
    const unknown = await clientCredentialsGrant.handle({ resource: 'https://nope.example.test/' }, m2m)(grantContext(grantPorts(), now, config))();
    expect(E.isLeft(unknown) && unknown.left.code).toBe('invalid_target');
  });

  it('authorize: resource may repeat, every other parameter may not; an unknown resource is invalid_target', () => {
    const base = { response_type: ['code'], client_id: ['web'], scope: ['openid'], code_challenge: ['a'.repeat(43)], code_challenge_method: ['S256'] };
    const ok = validateAuthorizeRequest(config, web.client, 'https://rp.example.test/cb', { ...base, resource: [api, billing] });
    expect(E.isRight(ok) && ok.right.resource).toEqual([api, billing]);
    const bad = validateAuthorizeRequest(config, web.client, 'https://rp.example.test/cb', { ...base, resource: [api, 'https://nope.example.test/'] });
    expect(E.isLeft(bad) && bad.left.code).toBe('invalid_target');
    const repeated = validateAuthorizeRequest(config, web.client, 'https://rp.example.test/cb', { ...base, scope: ['openid', 'openid'] });
    expect(E.isLeft(repeated) && repeated.left.code).toBe('invalid_request');
  });

  it('authorization_code: an unknown resource is refused before the code is redeemed', async () => {
    const ports = grantPorts();
    const verifier = 'v'.repeat(43);
    await ports.authorizationCodes.save({ codeHash: 'h(c1)', grantId: 'g', clientId: 'web', redirectUri: 'https://rp.example.test/cb', subject: 'alice', scope: ['openid'], resource: [api], issuedAt: now, expiresAt: now + 60, pkce: { challenge: ports.secrets.hash(verifier), method: 'S256' } })();
    const unknown = await authorizationCodeGrant.handle({ code: 'c1', redirect_uri: 'https://rp.example.test/cb', resource: 'https://nope.example.test/', code_verifier: verifier }, web)(grantContext(ports, now, config))();
    expect(E.isLeft(unknown) && unknown.left.code).toBe('invalid_target');
    const ok = await authorizationCodeGrant.handle({ code: 'c1', redirect_uri: 'https://rp.example.test/cb', resource: api, code_verifier: verifier }, web)(grantContext(ports, now, config))();
    expect(E.isRight(ok)).toBe(true);
    expect([...ports.refreshTokens.all.values()][0]?.resource).toEqual([api]);
  });

  it('refresh_token: a refused resource leaves the refresh token usable', async () => {
    const ports = grantPorts();
    const family: RefreshTokenRecord = { tokenHash: 'h(rt)', grantId: 'g', clientId: 'web', subject: 'alice', scope: ['api:read'], grantedScope: ['api:read'], resource: [api], issuedAt: now, expiresAt: now + 1000 };
    await ports.refreshTokens.save(family)();
    const widened = await refreshTokenGrant.handle({ refresh_token: 'rt', resource: billing }, web)(grantContext(ports, now, config))();
    expect(E.isLeft(widened) && widened.left.code).toBe('invalid_target');
    const ok = await refreshTokenGrant.handle({ refresh_token: 'rt', resource: api }, web)(grantContext(ports, now, config))();
    expect(E.isRight(ok)).toBe(true);
    expect(ports.refreshTokens.all.get('h(tok1_32)')?.resource).toEqual([api]);
  });
});

describe('property: a token never carries an audience that was not both requested and permitted', () => {
  const known = [api, billing];
  const candidates = fc.constantFrom(api, billing, 'https://unknown.example.test/', 'https://evil.example.test/#x', 'urn:x:y');

  it('client_credentials', async () => {
    await fc.assert(
      fc.asyncProperty(fc.option(candidates, { nil: undefined }), async (resource) => {
        const ports = grantPorts();
        const r = await clientCredentialsGrant.handle(resource === undefined ? {} : { resource }, m2m)(grantContext(ports, now, config))();
        for (const record of ports.accessTokens.all.values()) {
          for (const aud of record.audience ?? []) {
            expect(aud).toBe(resource);
            expect(known).toContain(aud);
          }
        }
        if (resource !== undefined && !known.includes(resource)) expect(E.isLeft(r)).toBe(true);
      }),
      { numRuns: 100 },
    );
  });

  it('authorization_code then refresh_token chains', async () => {
    await fc.assert(
      fc.asyncProperty(fc.subarray(known), fc.array(fc.option(candidates, { nil: undefined }), { minLength: 1, maxLength: 4 }), async (granted, requests) => {
        const ports = grantPorts();
        await ports.authorizationCodes.save({
          codeHash: 'h(c)', grantId: 'g', clientId: 'web', redirectUri: 'https://rp.example.test/cb', subject: 'alice', scope: ['openid', 'api:read'],
          ...(granted.length === 0 ? {} : { resource: granted }), issuedAt: now, expiresAt: now + 60,
        })();
        const [first, ...rest] = requests;
        let last = await authorizationCodeGrant.handle({ code: 'c', redirect_uri: 'https://rp.example.test/cb', ...(first === undefined ? {} : { resource: first }) }, web)(grantContext(ports, now, config))();
        let refresh = E.isRight(last) ? last.right.refresh_token : undefined;
        for (const resource of rest) {
          if (refresh === undefined) break;
          last = await refreshTokenGrant.handle({ refresh_token: refresh, ...(resource === undefined ? {} : { resource }) }, web)(grantContext(ports, now, config))();
          if (E.isRight(last)) refresh = last.right.refresh_token;
        }
        for (const record of ports.accessTokens.all.values()) {
          for (const aud of record.audience ?? []) {
            expect(granted).toContain(aud);
            expect(requests).toSatisfy((rs: readonly (string | undefined)[]) => rs.includes(aud) || rs.includes(undefined));
          }
        }
      }),
      { numRuns: 100 },
    );
  });
});
