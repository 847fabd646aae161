import { describe, expect, it } from 'vitest';
import * as O from 'fp-ts/lib/Option.js';
import { clientFromMetadata as fromMetadata } from '@grantor/core';
import { sha256SecretHasher } from '@grantor/node';
import { readEnv } from './env.js';
import type { SeedClient } from './seed.js';

const sha256 = sha256SecretHasher.hash;
const clientFromMetadata = (c: SeedClient) => fromMetadata(c.metadata, sha256);
import { createMemoryStore } from '@grantor/store-memory';
import { createUserDirectory, seedUsers } from './people/directory.js';
import { knownScopes, parseSeed } from './seed.js';

const doc = {
  clients: [
    { client_id: 'web-1', client_secret: 's3cret', client_name: 'Web', redirect_uris: ['https://rp.example.test/cb'], grant_types: ['authorization_code', 'refresh_token'],
      response_types: ['code'], scope: 'openid profile api:read', token_endpoint_auth_method: 'client_secret_basic', logo_uri: 'https://x', software_statement: 42 },
    { client_id: 'jwt-1', redirect_uris: [], grant_types: ['client_credentials'], response_types: [], scope: 'api:write', token_endpoint_auth_method: 'private_key_jwt',
      jwks: { keys: [{ kty: 'EC', crv: 'P-256', x: 'x', y: 'y', kid: 'k1', alg: 'ES256', use: 'sig' }] } },
  ],
  users: [{ username: 'alice', password: 'pw', claims: { sub: 'sub-1', email: 'a@example.test', email_verified: true } }],
  extra: 'ignored',
};

describe('seed', () => {
  it('keeps RFC 7591 metadata, ignores unknown members and knows every client scope', () => {
    const seed = parseSeed(doc);
    expect(knownScopes(seed.clients.map(clientFromMetadata))).toEqual(['openid', 'profile', 'email', 'offline_access', 'api:read', 'api:write']);
    const web = clientFromMetadata(seed.clients[0]!);
    expect(web).toMatchObject({ clientId: 'web-1', clientName: 'Web', scope: ['openid', 'profile', 'api:read'], tokenEndpointAuthMethod: 'client_secret_basic' });
    expect(web.secretHashes).toEqual([{ hash: sha256('s3cret') }]);
    expect(JSON.stringify(web)).not.toContain('s3cret');
    const jwt = clientFromMetadata(seed.clients[1]!);
    expect(jwt.secretHashes).toEqual([]);
    expect(jwt.jwks?.keys[0]).toMatchObject({ kid: 'k1' });
  });

  it('applies the RFC 7591 defaults and refuses a secret-based method without a secret', () => {
    const c = clientFromMetadata(parseSeed({ clients: [{ client_id: 'c', client_secret: 'x', redirect_uris: ['https://rp.example/cb'] }] }).clients[0]!);
    expect(c).toMatchObject({ grantTypes: ['authorization_code'], responseTypes: ['code'], tokenEndpointAuthMethod: 'client_secret_basic' });
    expect(() => clientFromMetadata(parseSeed({ clients: [{ client_id: 'c', redirect_uris: ['https://rp.example/cb'] }] }).clients[0]!)).toThrow(/client_secret/);
  });

  it('names the bad member of an invalid seed', () => {
    expect(() => parseSeed({ clients: [{ client_id: '' }] })).toThrow(/clients\[0\]\.client_id/);
    expect(() => parseSeed({ users: [{ username: 'a', password: 'b', claims: {} }] })).toThrow(/users\[0\]\.claims\.sub/);
    expect(() => parseSeed({ clients: [{ client_id: 'a', client_secret: 'x' }, { client_id: 'a', client_secret: 'y' }] })).toThrow(/duplicate/);
  });

  it('hashes passwords with argon2id and checks them; claims by subject', async () => {
    const store = createMemoryStore().users;
    await seedUsers(store, parseSeed(doc).users, 1_800_000_000);
    const users = await createUserDirectory(store, () => 1_800_000_000);
    expect(await users.check('alice', 'pw')).toMatchObject({ _tag: 'Ok', user: { subject: 'sub-1' } });
    expect(await users.check('alice', 'PW')).toEqual({ _tag: 'Wrong' });
    expect(await users.check('bob', 'pw')).toEqual({ _tag: 'Wrong' });
    const stored = await store.findBySubject('sub-1')();
    expect(stored._tag === 'Right' && stored.right._tag === 'Some' && stored.right.value.passwordHash.startsWith('$argon2id$')).toBe(true);
    expect(await users.claimsSource.claims('sub-1')()).toEqual({ _tag: 'Right', right: O.some(doc.users[0]!.claims) });
    expect(await users.claimsSource.claims('nobody')()).toEqual({ _tag: 'Right', right: O.none });
  });
});

describe('environment', () => {
  it('runs in memory with only PORT, ISSUER and SEED; SQLite otherwise', () => {
    expect(readEnv({ PORT: '4000', ISSUER: 'http://127.0.0.1:4000', SEED: '/tmp/s.json' })).toMatchObject({ port: 4000, issuer: 'http://127.0.0.1:4000', framework: 'fastify', store: { kind: 'memory' } });
    expect(readEnv({})).toMatchObject({ port: 3000, issuer: 'http://localhost:3000', store: { kind: 'sqlite', dir: './data' } });
    expect(readEnv({ SEED: 's', DATA_DIR: '/d' }).store).toEqual({ kind: 'sqlite', dir: '/d' });
    expect(readEnv({ DATABASE_URL: 'postgres://x' }).store).toEqual({ kind: 'url', url: 'postgres://x' });
    expect(() => readEnv({ PORT: 'abc' })).toThrow(/PORT/);
    expect(() => readEnv({ FRAMEWORK: 'hapi' })).toThrow(/FRAMEWORK/);
  });

  it('JWKS_ALLOW_HTTP=1 admits http jwks_uri on loopback; off by default; other values refused', () => {
    expect(readEnv({ JWKS_ALLOW_HTTP: '1' }).jwksAllowHttp).toBe(true);
    expect(readEnv({ JWKS_ALLOW_HTTP: '0' }).jwksAllowHttp).toBeUndefined();
    expect(readEnv({}).jwksAllowHttp).toBeUndefined();
    expect(() => readEnv({ JWKS_ALLOW_HTTP: 'yes please' })).toThrow(/JWKS_ALLOW_HTTP/);
  });

  it('CLIENT_ID_METADATA_DOCUMENTS is on by default, off with off; OUTBOUND_ALLOW_LOOPBACK=1 only when asked', () => {
    expect(readEnv({}).clientIdMetadataDocuments).toBe(true);
    expect(readEnv({ CLIENT_ID_METADATA_DOCUMENTS: 'off' }).clientIdMetadataDocuments).toBe(false);
    expect(readEnv({ CLIENT_ID_METADATA_DOCUMENTS: 'ON' }).clientIdMetadataDocuments).toBe(true);
    expect(() => readEnv({ CLIENT_ID_METADATA_DOCUMENTS: 'maybe' })).toThrow(/CLIENT_ID_METADATA_DOCUMENTS/);
    expect(readEnv({}).outboundAllowLoopback).toBeUndefined();
    expect(readEnv({ OUTBOUND_ALLOW_LOOPBACK: '1' }).outboundAllowLoopback).toBe(true);
    expect(() => readEnv({ OUTBOUND_ALLOW_LOOPBACK: 'all' })).toThrow(/OUTBOUND_ALLOW_LOOPBACK/);
  });

  it('WORKERS: 1 by default; more than 1 only over DATABASE_URL (SQLite and memory are refused, naming WORKERS)', () => {
    expect(readEnv({}).workers).toBe(1);
    expect(readEnv({ DATABASE_URL: 'postgres://x', WORKERS: '4' }).workers).toBe(4);
    expect(readEnv({ DATA_DIR: '/d', WORKERS: '1' }).workers).toBe(1);
    expect(() => readEnv({ DATA_DIR: '/d', WORKERS: '2' })).toThrow(/WORKERS=2 needs a database server: SQLite/);
    expect(() => readEnv({ SEED: 's', WORKERS: '2' })).toThrow(/WORKERS=2 needs a shared store/);
    expect(() => readEnv({ DATABASE_URL: 'postgres://x', WORKERS: '0' })).toThrow(/WORKERS must be/);
    expect(() => readEnv({ DATABASE_URL: 'postgres://x', WORKERS: 'two' })).toThrow(/WORKERS must be/);
  });

  it('PROFILE=fapi2 takes PKCE and the refresh reuse grace from the profile; a contradicting value stops the start, naming it', () => {
    expect(readEnv({})).toMatchObject({ profile: 'default', pkceRequiredFor: 'public' });
    expect(readEnv({ PROFILE: 'fapi2' })).toMatchObject({ profile: 'fapi2', pkceRequiredFor: 'all', refreshReuseGraceSeconds: 0 });
    expect(readEnv({ PROFILE: 'FAPI2', PKCE_REQUIRED_FOR: 'all', REFRESH_REUSE_GRACE_SECONDS: '0' }).profile).toBe('fapi2');
    expect(() => readEnv({ PROFILE: 'fapi2', PKCE_REQUIRED_FOR: 'public' })).toThrow(/PKCE_REQUIRED_FOR=public contradicts PROFILE=fapi2/);
    expect(() => readEnv({ PROFILE: 'fapi2', REFRESH_REUSE_GRACE_SECONDS: '10' })).toThrow(/REFRESH_REUSE_GRACE_SECONDS=10 contradicts PROFILE=fapi2/);
    expect(() => readEnv({ PROFILE: 'fapi1' })).toThrow(/PROFILE must be default or fapi2/);
  });

  it('a seed client may register jwks_uri instead of jwks for private_key_jwt', () => {
    const seed = parseSeed({ clients: [{ client_id: 'r', grant_types: ['client_credentials'], token_endpoint_auth_method: 'private_key_jwt', jwks_uri: 'https://r.example.test/jwks.json' }] });
    expect(clientFromMetadata(seed.clients[0]!)).toMatchObject({ clientId: 'r', tokenEndpointAuthMethod: 'private_key_jwt', jwksUri: 'https://r.example.test/jwks.json' });
  });
});
