import { describe, expect, it } from 'vitest';
import * as E from 'fp-ts/lib/Either.js';
import { clientFromMetadata, decodeClientMetadata } from './client-metadata.js';
import { clientMetadataView } from './client-view.js';

const hash = (s: string) => `h(${s})`;

describe('decodeClientMetadata (RFC 7591 §2)', () => {
  it('applies the RFC 7591 defaults and hashes the secret', () => {
    const r = decodeClientMetadata({ client_id: 'web', client_secret: 's3cret', redirect_uris: ['https://rp.test/cb'], unknown_member: 1 }, hash);
    expect(r).toEqual(
      E.right({
        clientId: 'web',
        secretHashes: [{ hash: 'h(s3cret)' }],
        redirectUris: ['https://rp.test/cb'],
        postLogoutRedirectUris: [],
        grantTypes: ['authorization_code'],
        responseTypes: ['code'],
        scope: [],
        tokenEndpointAuthMethod: 'client_secret_basic',
      }),
    );
    expect(JSON.stringify(r)).not.toContain('"s3cret"');
  });

  it('decodes every member it knows', () => {
    const jwks = { keys: [{ kty: 'EC', crv: 'P-256', x: 'x', y: 'y', kid: 'k1' }] };
    const c = clientFromMetadata(
      {
        client_id: 'svc',
        client_name: 'Service',
        redirect_uris: ['com.example.app:/cb'],
        post_logout_redirect_uris: ['https://rp.test/bye'],
        grant_types: ['client_credentials', 'authorization_code', 'refresh_token'],
        response_types: ['code'],
        scope: 'openid api:read api:read',
        token_endpoint_auth_method: 'private_key_jwt',
        jwks,
        access_token_format: 'jwt',
      },
      hash,
    );
    expect(c).toMatchObject({ clientId: 'svc', clientName: 'Service', scope: ['openid', 'api:read'], tokenEndpointAuthMethod: 'private_key_jwt', jwks, accessTokenFormat: 'jwt', secretHashes: [] });
  });

  it('accepts jwks_uri instead of jwks for private_key_jwt (RFC 7591 §2), never both', () => {
    const c = clientFromMetadata({ client_id: 'svc', grant_types: ['client_credentials'], token_endpoint_auth_method: 'private_key_jwt', jwks_uri: 'https://svc.test/jwks.json' }, hash);
    expect(c).toMatchObject({ tokenEndpointAuthMethod: 'private_key_jwt', jwksUri: 'https://svc.test/jwks.json', secretHashes: [] });
    expect(c.jwks).toBeUndefined();
    const both = { client_id: 'svc', grant_types: ['client_credentials'], token_endpoint_auth_method: 'private_key_jwt', jwks_uri: 'https://svc.test/jwks.json', jwks: { keys: [] } };
    expect(decodeClientMetadata(both, hash)).toEqual(E.left('jwks_uri: must not be used together with jwks (RFC 7591 §2)'));
  });

  it('keeps client_secret_expires_at as the secret expiry', () => {
    const c = clientFromMetadata({ client_id: 'a', client_secret: 'x', client_secret_expires_at: 1_900_000_000, grant_types: ['client_credentials'] }, hash);
    expect(c.secretHashes).toEqual([{ hash: 'h(x)', expiresAt: 1_900_000_000 }]);
  });

  const bad: readonly [string, unknown][] = [
    ['client_id', { client_secret: 'x' }],
    ['client_id', { client_id: '' }],
    ['redirect_uris', { client_id: 'a', client_secret: 'x', redirect_uris: ['https://rp.test/cb#frag'] }],
    ['redirect_uris', { client_id: 'a', client_secret: 'x', redirect_uris: 'https://rp.test/cb' }],
    ['redirect_uris', { client_id: 'a', client_secret: 'x' }],
    ['scope', { client_id: 'a', client_secret: 'x', grant_types: ['client_credentials'], scope: 'a  b' }],
    ['token_endpoint_auth_method', { client_id: 'a', grant_types: ['client_credentials'], token_endpoint_auth_method: 'tls_client_auth' }],
    ['client_secret', { client_id: 'a', grant_types: ['client_credentials'] }],
    ['client_secret', { client_id: 'a', redirect_uris: ['https://rp.test/cb'], token_endpoint_auth_method: 'none', client_secret: 'x' }],
    ['jwks', { client_id: 'a', grant_types: ['client_credentials'], token_endpoint_auth_method: 'private_key_jwt' }],
    ['jwks', { client_id: 'a', grant_types: ['client_credentials'], token_endpoint_auth_method: 'private_key_jwt', jwks: { keys: [{ kty: 'EC', d: 'secret' }] } }],
    ['access_token_format', { client_id: 'a', client_secret: 'x', grant_types: ['client_credentials'], access_token_format: 'paseto' }],
  ];
  it.each(bad)('names %s when it is invalid', (member, input) => {
    const r = decodeClientMetadata(input, hash);
    expect(E.isLeft(r) && r.left.startsWith(member)).toBe(true);
    expect(() => clientFromMetadata(input, hash)).toThrow(TypeError);
  });

  it('keeps allowed_cors_origins (origins only) and shows them in the metadata view', () => {
    const c = clientFromMetadata({ client_id: 'spa', token_endpoint_auth_method: 'none', redirect_uris: ['https://spa.test/cb'], allowed_cors_origins: ['https://spa.test', 'http://localhost:5173'] }, hash);
    expect(c.allowedCorsOrigins).toEqual(['https://spa.test', 'http://localhost:5173']);
    expect(clientMetadataView(c)['allowed_cors_origins']).toEqual(['https://spa.test', 'http://localhost:5173']);
    for (const bad of [['https://spa.test/path'], ['*'], 'https://spa.test', ['ftp://x.test']]) {
      const r = decodeClientMetadata({ client_id: 'spa', token_endpoint_auth_method: 'none', redirect_uris: ['https://spa.test/cb'], allowed_cors_origins: bad }, hash);
      expect(E.isLeft(r) && r.left).toMatch(/^allowed_cors_origins/);
    }
  });

  it('refuses a non-object', () => {
    expect(E.isLeft(decodeClientMetadata('web', hash))).toBe(true);
  });
});

describe('decodeClientMetadata refuses control characters (RFC 6749 Appendix A)', () => {
  it.each([
    ['client_id', { client_id: 'web\u0000', redirect_uris: ['https://rp.test/cb'], token_endpoint_auth_method: 'none' }],
    ['client_name', { client_id: 'web', client_name: 'a\u0001b', redirect_uris: ['https://rp.test/cb'], token_endpoint_auth_method: 'none' }],
    ['redirect_uris', { client_id: 'web', redirect_uris: ['https://rp.test/cb\u0000'], token_endpoint_auth_method: 'none' }],
    ['scope', { client_id: 'web', scope: 'read\nwrite', redirect_uris: ['https://rp.test/cb'], token_endpoint_auth_method: 'none' }],
  ])('in %s', (member, metadata) => {
    expect(decodeClientMetadata(metadata, hash)).toEqual(E.left(`${member}: must not contain control characters (RFC 6749 Appendix A)`));
  });

  it('still ignores unknown members, whatever they hold', () => {
    expect(E.isRight(decodeClientMetadata({ client_id: 'web', x_note: 'a\u0000b', redirect_uris: ['https://rp.test/cb'], token_endpoint_auth_method: 'none' }, hash))).toBe(true);
  });
});
