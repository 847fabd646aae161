import * as E from 'fp-ts/lib/Either.js';
import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { clientIdUrlProblem, decodeClientIdMetadataDocument, type MetadataDocumentPolicy } from './client-id-metadata-document.js';

const policy: MetadataDocumentPolicy = {
  scopes: ['openid', 'profile', 'mcp:tools'],
  grantTypes: ['authorization_code', 'refresh_token', 'client_credentials'],
  authMethods: ['client_secret_basic', 'client_secret_post', 'private_key_jwt', 'none'],
};
const url = 'https://app.example.test/oauth/client.json';
const doc = { client_id: url, client_name: 'Example App', redirect_uris: ['https://app.example.test/cb'], grant_types: ['authorization_code', 'refresh_token'], token_endpoint_auth_method: 'none' };
const ec = { kty: 'EC', crv: 'P-256', x: 'WKn-ZIGevcwGIyyrzFoZNBdaq9_TsqzGl96oc0CWuis', y: 'y77t-RvAHRKTsSGdIYUfweuOvwrvDD-Q3Hv5J0fSKbE', kid: 'k1' };

const reason = (r: E.Either<string, unknown>): string => (E.isLeft(r) ? r.left : 'accepted');

describe('clientIdUrlProblem (draft §3)', () => {
  it.each([
    'https://app.example.test/client.json',
    'https://app.example.test:8443/a/b',
    'https://app.example.test/client?v=1',
    'http://127.0.0.1:4000/client.json',
    'http://localhost/client',
  ])('accepts %s', (u) => expect(clientIdUrlProblem(u)).toBeUndefined());

  it.each([
    ['http://app.example.test/client.json', /https/],
    ['https://app.example.test', /https URL with a host and a path/],
    ['https://app.example.test/', /path component/],
    ['https://app.example.test/client#frag', /fragment/],
    ['https://user:pw@app.example.test/client', /user information/],
    ['https://app.example.test/a/../client', /\.\./],
    ['https://app.example.test/a/%2E%2E/client', /\.\./],
    ['https://app.example.test/./client', /\./],
    ['https://app.example.test/cl ient', /printable ASCII/],
    [`https://app.example.test/${'a'.repeat(2050)}`, /2048/],
    ['ftp://app.example.test/client', /https/],
  ])('refuses %s', (u, why) => expect(clientIdUrlProblem(u)).toMatch(why));
});

describe('decodeClientIdMetadataDocument (draft §4, §8.1)', () => {
  it('a public client: its URL is its id, its redirect URIs are the document\'s, no secret, scope defaults to the policy', () => {
    const r = decodeClientIdMetadataDocument(url, doc, policy);
    expect(r).toEqual(
      E.right(
        expect.objectContaining({
          clientId: url,
          clientName: 'Example App',
          redirectUris: ['https://app.example.test/cb'],
          secretHashes: [],
          tokenEndpointAuthMethod: 'none',
          grantTypes: ['authorization_code', 'refresh_token'],
          scope: ['openid', 'profile', 'mcp:tools'],
        }),
      ),
    );
  });

  it('token_endpoint_auth_method defaults to none; private_key_jwt needs jwks or jwks_uri', () => {
    const { token_endpoint_auth_method: _m, ...withoutMethod } = doc;
    expect(decodeClientIdMetadataDocument(url, withoutMethod, policy)).toMatchObject({ right: { tokenEndpointAuthMethod: 'none' } });
    expect(reason(decodeClientIdMetadataDocument(url, { ...doc, token_endpoint_auth_method: 'private_key_jwt' }, policy))).toMatch(/jwks/);
    expect(decodeClientIdMetadataDocument(url, { ...doc, token_endpoint_auth_method: 'private_key_jwt', jwks: { keys: [ec] } }, policy)).toMatchObject({ right: { tokenEndpointAuthMethod: 'private_key_jwt' } });
    expect(decodeClientIdMetadataDocument(url, { ...doc, token_endpoint_auth_method: 'private_key_jwt', jwks_uri: 'https://app.example.test/jwks' }, policy)).toMatchObject({ right: { jwksUri: 'https://app.example.test/jwks' } });
  });

  it.each([
    [{ ...doc, client_secret: 'shared' }, /shared secret/],
    [{ ...doc, client_secret_expires_at: 0 }, /shared secret/],
    [{ ...doc, token_endpoint_auth_method: 'client_secret_basic' }, /none, private_key_jwt/],
    [{ ...doc, token_endpoint_auth_method: 'client_secret_post' }, /none, private_key_jwt/],
    [{ ...doc, token_endpoint_auth_method: 'client_secret_jwt' }, /none, private_key_jwt/],
    [{ ...doc, redirect_uris: ['https://app.example.test/cb#x'] }, /fragment/],
    [{ ...doc, redirect_uris: ['http://app.example.test/cb'] }, /loopback/],
    [{ ...doc, redirect_uris: ['javascript:alert(1)'] }, /redirect_uris/],
    [{ ...doc, redirect_uris: [] }, /redirect_uris: required/],
    [{ ...doc, grant_types: ['client_credentials'] }, /confidential/],
    [{ ...doc, grant_types: ['password'] }, /not supported/],
    [{ ...doc, scope: 'openid admin' }, /"admin" is not supported/],
    [{ ...doc, jwks: { keys: [{ ...ec, d: 'private' }] }, token_endpoint_auth_method: 'private_key_jwt' }, /jwks/],
    [{ ...doc, client_id: `${url}/` }, /equal the URL/],
    [{ ...doc, client_id: undefined }, /equal the URL/],
    [[doc], /JSON object/],
    ['{"client_id": "x"}', /JSON object/],
  ])('refuses %j', (document, why) => {
    expect(reason(decodeClientIdMetadataDocument(url, document, policy))).toMatch(why);
  });

  it('refuses a URL that is not a client identifier URL, whatever the document says', () => {
    expect(reason(decodeClientIdMetadataDocument('http://app.example.test/c', { ...doc, client_id: 'http://app.example.test/c' }, policy))).toMatch(/https/);
  });

  it('the server may restrict the methods (a server without private_key_jwt accepts only none)', () => {
    const publicOnly = { ...policy, authMethods: ['none'] as const };
    expect(reason(decodeClientIdMetadataDocument(url, { ...doc, token_endpoint_auth_method: 'private_key_jwt', jwks: { keys: [ec] } }, publicOnly))).toMatch(/must be one of none/);
  });
});

describe('decodeClientIdMetadataDocument: properties', () => {
  const segment = fc.stringMatching(/^[a-z0-9_-]{1,12}$/);
  const clientUrl = fc.tuple(fc.stringMatching(/^[a-z][a-z0-9-]{0,10}$/), fc.array(segment, { minLength: 1, maxLength: 4 })).map(([host, path]) => `https://${host}.example.test/${path.join('/')}`);
  /** A variation of the URL that is not the same string: case, trailing slash, default port, encoding, another path. */
  const otherThan = (u: string) =>
    fc.oneof(
      fc.constant(u.toUpperCase()),
      fc.constant(`${u}/`),
      fc.constant(u.replace('https://', 'https://www.')),
      fc.constant(u.replace('.example.test', '.example.test:443')),
      fc.constant(u.replace(/\/([^/]*)$/, '/%61$1')),
      fc.constant(` ${u}`),
      clientUrl,
      fc.string(),
    ).filter((v) => v !== u);

  it('a document whose client_id differs from its URL is refused, however close the two are', () => {
    fc.assert(
      fc.property(
        clientUrl.chain((u) => fc.tuple(fc.constant(u), otherThan(u))),
        fc.record({ client_name: fc.string(), scope: fc.constantFrom('openid', 'profile mcp:tools', undefined) }, { requiredKeys: [] }),
        ([u, other], extra) => {
          const r = decodeClientIdMetadataDocument(u, { ...doc, ...extra, client_id: other }, policy);
          expect(reason(r)).toMatch(/client_id/);
        },
      ),
    );
  });

  it('an accepted document yields a client whose id is the URL, with no secret and only the document\'s redirect URIs', () => {
    fc.assert(
      fc.property(
        clientUrl,
        fc.array(fc.constantFrom('https://app.example.test/cb', 'https://other.example.test/x', 'http://127.0.0.1/cb', 'com.example.app:/cb', 'http://evil.example/cb'), { minLength: 1, maxLength: 4 }),
        fc.constantFrom('none', 'private_key_jwt', 'client_secret_basic', undefined),
        (u, redirects, method) => {
          const r = decodeClientIdMetadataDocument(u, { ...doc, client_id: u, redirect_uris: redirects, ...(method === undefined ? {} : { token_endpoint_auth_method: method }), jwks: { keys: [ec] } }, policy);
          if (E.isRight(r)) {
            expect(r.right.clientId).toBe(u);
            expect(r.right.secretHashes).toEqual([]);
            expect(['none', 'private_key_jwt']).toContain(r.right.tokenEndpointAuthMethod);
            expect(r.right.redirectUris).toEqual(redirects);
            expect(redirects).not.toContain('http://evil.example/cb');
          }
        },
      ),
    );
  });
});
