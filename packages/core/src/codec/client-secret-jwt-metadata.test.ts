import * as E from 'fp-ts/lib/Either.js';
import { describe, expect, it } from 'vitest';
import { clientSecretJwtKeyOf, decodeClientMetadata } from './client-metadata.js';

const hash = (s: string) => `h(${s})`;
const base = { client_id: 'c1', grant_types: ['client_credentials'] };

describe('client_secret_jwt client metadata (RFC 7523 §2.2)', () => {
  it('registers a client_secret_jwt client with its secret (hash in the Client, clear value for the key store)', () => {
    const metadata = { ...base, token_endpoint_auth_method: 'client_secret_jwt', client_secret: 's3cret' };
    const decoded = decodeClientMetadata(metadata, hash);
    expect(E.isRight(decoded) && decoded.right.tokenEndpointAuthMethod).toBe('client_secret_jwt');
    expect(E.isRight(decoded) && decoded.right.secretHashes).toEqual([{ hash: 'h(s3cret)' }]);
    expect(clientSecretJwtKeyOf(metadata)).toBe('s3cret');
  });

  it('requires the secret (the HMAC key)', () => {
    expect(decodeClientMetadata({ ...base, token_endpoint_auth_method: 'client_secret_jwt' }, hash)).toEqual(E.left(expect.stringMatching(/^client_secret: required/)));
  });

  it('gives no clear secret for any other method or malformed input', () => {
    expect(clientSecretJwtKeyOf({ ...base, token_endpoint_auth_method: 'client_secret_basic', client_secret: 's' })).toBeUndefined();
    expect(clientSecretJwtKeyOf({ ...base, client_secret: 's' })).toBeUndefined();
    expect(clientSecretJwtKeyOf({ ...base, token_endpoint_auth_method: 'client_secret_jwt', client_secret: 42 })).toBeUndefined();
    expect(clientSecretJwtKeyOf(null)).toBeUndefined();
  });
});
