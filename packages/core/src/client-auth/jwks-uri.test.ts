import { describe, expect, it } from 'vitest';
import * as E from 'fp-ts/lib/Either.js';
import * as TE from 'fp-ts/lib/TaskEither.js';
import { SignJWT, base64url, exportJWK, generateKeyPair } from 'jose';
import { utf8Encode } from '../http/encoding.js';
import type { Client, PublicJwk } from '../domain/client.js';
import { storeError } from '../errors/store-error.js';
import { httpRequest } from '../http/http-request.js';
import type { FormParams } from '../http/form-urlencoded.js';
import type { JwksFetcher, JwksFetchOptions } from '../ports/jwks-fetcher.js';
import { jwtBearerGrant, jwtBearerGrantType } from '../grants/jwt-bearer/index.js';
import { memoryClients, testConfig, testIssuer, testSecrets, webClient } from '../test/fake-ports.js';
import { grantContext, grantPorts, memoryReplay } from '../test/token-fakes.js';
import { authenticateClient, type ClientAuthPorts } from './authenticate.js';
import { publicKeysOnly } from './client-keys.js';
import { jwtBearerAssertionType } from './credentials.js';

const now = 1_800_000_000;
const uri = 'https://svc.example.test/jwks.json';
const config = testConfig({ grantTypes: [jwtBearerGrantType] });

const keyPair = async (kid: string) => {
  const pair = await generateKeyPair('ES256', { extractable: true });
  return { ...pair, jwk: { ...(await exportJWK(pair.publicKey)), kty: 'EC', kid, alg: 'ES256' } as PublicJwk, kid };
};
const oldKey = await keyPair('old');
const newKey = await keyPair('new');

/** A fetcher serving `cached` from its "cache" and `fresh` when asked to refresh; records every call. */
const fakeFetcher = (cached: readonly PublicJwk[], fresh: readonly PublicJwk[] = cached) => {
  const calls: { uri: string; refresh: boolean }[] = [];
  const fetcher: JwksFetcher = {
    fetch: (u: string, options?: JwksFetchOptions) => {
      calls.push({ uri: u, refresh: options?.refresh === true });
      return TE.right({ keys: options?.refresh === true ? fresh : cached });
    },
  };
  return { fetcher, calls };
};
const failingFetcher = (transient: boolean): JwksFetcher => ({ fetch: () => TE.left(storeError('jwks_uri timed out', { transient })) });

const remoteClient: Client = webClient({ clientId: 'remote', secretHashes: [], tokenEndpointAuthMethod: 'private_key_jwt', jwksUri: uri, grantTypes: ['client_credentials', jwtBearerGrantType], scope: ['api:read'] });
const inlineClient: Client = webClient({ clientId: 'inline', secretHashes: [], tokenEndpointAuthMethod: 'private_key_jwt', jwks: { keys: [oldKey.jwk] } });

let counter = 0;
const sign = (key: { privateKey: unknown; kid: string }, claims: Record<string, unknown>) =>
  new SignJWT({ exp: now + 60, iat: now, jti: `j${++counter}`, ...claims }).setProtectedHeader({ alg: 'ES256', kid: key.kid }).sign(key.privateKey as never);
const clientAssertion = (clientId: string, key: { privateKey: unknown; kid: string }) => sign(key, { iss: clientId, sub: clientId, aud: testIssuer });

const authenticate = (fetcher: JwksFetcher | undefined, assertion: string) => {
  const ports: ClientAuthPorts = { clients: memoryClients([remoteClient, inlineClient]), secrets: testSecrets, replay: memoryReplay(), ...(fetcher === undefined ? {} : { jwksFetcher: fetcher }) };
  const form: FormParams = { client_assertion_type: jwtBearerAssertionType, client_assertion: assertion };
  return authenticateClient(form)({ config, ports, now, request: httpRequest({ method: 'POST', path: '/token' }) })();
};

const leftOf = <L, R>(r: E.Either<L, R>): L => {
  if (E.isRight(r)) throw new Error('expected a failure');
  return r.left;
};

describe('private_key_jwt with jwks_uri (RFC 7591 §2, RFC 7523 §2.2)', () => {
  it('verifies with the keys fetched from the registered jwks_uri', async () => {
    const { fetcher, calls } = fakeFetcher([oldKey.jwk]);
    const r = await authenticate(fetcher, await clientAssertion('remote', oldKey));
    expect(r).toEqual(E.right(expect.objectContaining({ method: 'private_key_jwt', client: expect.objectContaining({ clientId: 'remote' }) })));
    expect(calls).toEqual([{ uri, refresh: false }]);
  });

  it('key rollover: an unknown kid refetches once bypassing the cache, then verifies', async () => {
    const { fetcher, calls } = fakeFetcher([oldKey.jwk], [oldKey.jwk, newKey.jwk]);
    expect(E.isRight(await authenticate(fetcher, await clientAssertion('remote', newKey)))).toBe(true);
    expect(calls).toEqual([
      { uri, refresh: false },
      { uri, refresh: true },
    ]);
  });

  it('a kid unknown even after the refetch is invalid_client, after exactly one refetch', async () => {
    const { fetcher, calls } = fakeFetcher([oldKey.jwk]);
    const e = leftOf(await authenticate(fetcher, await clientAssertion('remote', newKey)));
    expect(e.code).toBe('invalid_client');
    expect(calls.map((c) => c.refresh)).toEqual([false, true]);
  });

  it('a bad signature under a known kid is refused without refetching', async () => {
    const { fetcher, calls } = fakeFetcher([oldKey.jwk]);
    const forged = await clientAssertion('remote', { privateKey: newKey.privateKey, kid: 'old' });
    expect(leftOf(await authenticate(fetcher, forged)).code).toBe('invalid_client');
    expect(calls).toHaveLength(1);
  });

  it('without the jwksFetcher port such a client is invalid_client with a logged detail naming the port', async () => {
    const e = leftOf(await authenticate(undefined, await clientAssertion('remote', oldKey)));
    expect(e.code).toBe('invalid_client');
    expect(e.detail).toMatch(/jwksFetcher/);
  });

  it('a transient fetch fault is temporarily_unavailable; a permanent one invalid_client', async () => {
    expect(leftOf(await authenticate(failingFetcher(true), await clientAssertion('remote', oldKey))).code).toBe('temporarily_unavailable');
    const e = leftOf(await authenticate(failingFetcher(false), await clientAssertion('remote', oldKey)));
    expect(e).toMatchObject({ code: 'invalid_client', detail: expect.stringMatching(/jwks_uri fetch failed/) });
  });

  it('an inline jwks is used as registered: the fetcher is never called', async () => {
    const { fetcher, calls } = fakeFetcher([]);
    expect(E.isRight(await authenticate(fetcher, await clientAssertion('inline', oldKey)))).toBe(true);
    expect(calls).toHaveLength(0);
  });

  it('a symmetric key in a fetched set never verifies an HMAC assertion', async () => {
    const secret = utf8Encode('a-long-shared-secret-for-hmac-0123456789');
    const oct = { kty: 'oct', kid: 'h', k: base64url.encode(secret) } as PublicJwk;
    const { fetcher } = fakeFetcher([oct]);
    const hmac = await new SignJWT({ iss: 'remote', sub: 'remote', aud: testIssuer, exp: now + 60, jti: 'hm' }).setProtectedHeader({ alg: 'HS256', kid: 'h' }).sign(secret);
    expect(leftOf(await authenticate(fetcher, hmac)).code).toBe('invalid_client');
  });
});

describe('publicKeysOnly (keys fetched from a jwks_uri)', () => {
  it('drops private members, symmetric keys and malformed entries', () => {
    const rsa = { kty: 'RSA', kid: 'r', n: 'n', e: 'AQAB', d: 'secret', p: 'p', q: 'q', dp: 'dp', dq: 'dq', qi: 'qi' };
    const ec = { kty: 'EC', kid: 'e', crv: 'P-256', x: 'x', y: 'y', d: 'secret' };
    expect(publicKeysOnly([rsa, ec, { kty: 'oct', k: 'c2VjcmV0' }, { kid: 'no-kty' }, 'junk', null, [1]])).toEqual([
      { kty: 'RSA', kid: 'r', n: 'n', e: 'AQAB' },
      { kty: 'EC', kid: 'e', crv: 'P-256', x: 'x', y: 'y' },
    ]);
  });
});

describe('JWT bearer grant with jwks_uri (RFC 7523 §2.1)', () => {
  const run = (fetcher: JwksFetcher | undefined, assertion: string) => {
    const ports = { ...grantPorts(), replay: memoryReplay(), ...(fetcher === undefined ? {} : { jwksFetcher: fetcher }) };
    return jwtBearerGrant.handle({ assertion }, { client: remoteClient, method: 'private_key_jwt' })(grantContext(ports, now, config))();
  };
  const grantAssertion = (key: { privateKey: unknown; kid: string }) => sign(key, { iss: 'remote', sub: 'alice', aud: testIssuer });

  it('verifies the assertion with the fetched keys, refetching once on an unknown kid', async () => {
    const { fetcher, calls } = fakeFetcher([oldKey.jwk], [newKey.jwk]);
    expect(E.isRight(await run(fetcher, await grantAssertion(oldKey)))).toBe(true);
    expect(E.isRight(await run(fetcher, await grantAssertion(newKey)))).toBe(true);
    expect(calls.map((c) => c.refresh)).toEqual([false, false, true]);
  });

  it('without the port: invalid_grant (no keys); a transient fetch fault: temporarily_unavailable', async () => {
    const e = leftOf(await run(undefined, await grantAssertion(oldKey)));
    expect(e).toMatchObject({ code: 'invalid_grant', description: 'The client has no registered keys to verify the assertion with.' });
    expect(leftOf(await run(failingFetcher(true), await grantAssertion(oldKey))).code).toBe('temporarily_unavailable');
    expect(leftOf(await run(failingFetcher(false), await grantAssertion(oldKey))).code).toBe('invalid_grant');
  });
});
