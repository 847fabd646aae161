import { randomUUID } from 'node:crypto';
import { createServer, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { SignJWT, exportJWK, generateKeyPair, type CryptoKey, type JWK } from 'jose';
import { post } from './flows.js';
import { startServer, type Running } from './harness.js';

const clientId = `remote-jwt-${randomUUID().slice(0, 8)}`;

describe('private_key_jwt with a registered jwks_uri (end to end)', () => {
  let jwksServer: Server;
  let jwksUri: string;
  let hits = 0;
  let published: JWK[] = [];
  let server: Running | undefined;
  let key: CryptoKey;
  const kid = 'remote-1';

  const seed = () => ({
    clients: [{ client_id: clientId, redirect_uris: [], grant_types: ['client_credentials'], response_types: [], scope: 'api:read', token_endpoint_auth_method: 'private_key_jwt', jwks_uri: jwksUri }],
    users: [],
  });

  beforeAll(async () => {
    const pair = await generateKeyPair('ES256');
    key = pair.privateKey;
    published = [{ ...(await exportJWK(pair.publicKey)), kid, alg: 'ES256', use: 'sig' }];
    jwksServer = createServer((_req, res) => {
      hits++;
      res.writeHead(200, { 'content-type': 'application/jwk-set+json' }).end(JSON.stringify({ keys: published }));
    });
    await new Promise<void>((resolve) => jwksServer.listen(0, '127.0.0.1', resolve));
    jwksUri = `http://127.0.0.1:${(jwksServer.address() as AddressInfo).port}/jwks.json`;
  });
  afterAll(async () => {
    await server?.stop();
    jwksServer.closeAllConnections();
    await new Promise((resolve) => jwksServer.close(resolve));
  });

  const assertion = (issuer: string, signWith: CryptoKey = key, keyId = kid) =>
    new SignJWT({ jti: randomUUID() }).setProtectedHeader({ alg: 'ES256', kid: keyId }).setIssuer(clientId).setSubject(clientId).setAudience(issuer).setIssuedAt().setExpirationTime('2m').sign(signWith);
  const tokenRequest = async (running: Running, jwt: string) =>
    post(
      `${running.issuer}/token`,
      new URLSearchParams({ grant_type: 'client_credentials', scope: 'api:read', client_assertion_type: 'urn:ietf:params:oauth:client-assertion-type:jwt-bearer', client_assertion: jwt }),
    );

  it('JWKS_ALLOW_HTTP=1: the seed client authenticates with keys fetched (once, then cached) from its loopback jwks_uri', async () => {
    server = await startServer(seed(), { JWKS_ALLOW_HTTP: '1' });
    const first = await tokenRequest(server, await assertion(server.issuer));
    expect(first.status).toBe(200);
    expect(first.json?.['access_token']).toEqual(expect.any(String));
    expect((await tokenRequest(server, await assertion(server.issuer))).status).toBe(200);
    expect(hits).toBe(1);
    // A key that is not in the published set: refused (invalid_client, 401)
    const stranger = await generateKeyPair('ES256');
    const refused = await tokenRequest(server, await assertion(server.issuer, stranger.privateKey, 'unknown-kid'));
    expect(refused.status).toBe(401);
    expect(refused.json?.['error']).toBe('invalid_client');
    await server.stop();
    server = undefined;
  });

  it('without JWKS_ALLOW_HTTP an http jwks_uri is never fetched: invalid_client', async () => {
    const before = hits;
    server = await startServer(seed(), { LOG_LEVEL: 'debug' });
    const r = await tokenRequest(server, await assertion(server.issuer));
    expect(r.status).toBe(401);
    expect(r.json?.['error']).toBe('invalid_client');
    expect(hits).toBe(before);
    expect(server.output()).toMatch(/is not a public address/); // the logged detail (debug level): loopback is refused before the scheme
  });
});
