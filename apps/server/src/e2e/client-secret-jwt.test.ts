import { randomUUID } from 'node:crypto';
import { mkdtempSync, readFileSync, readdirSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { afterEach, describe, expect, it } from 'vitest';
import { SignJWT } from 'jose';
import { post } from './flows.js';
import { startServer, type Running } from './harness.js';

const clientId = 'hmac-client';
const secret = `hmac-${randomUUID()}-${randomUUID()}`;
const seed = {
  clients: [{ client_id: clientId, client_secret: secret, redirect_uris: [], grant_types: ['client_credentials'], response_types: [], scope: 'api:read', token_endpoint_auth_method: 'client_secret_jwt' }],
  users: [],
};

/** RFC 7523 §2.2 with HS256: the seed's client_secret is the HMAC key. */
const assertion = (issuer: string, key: string) =>
  new SignJWT({ jti: randomUUID() }).setProtectedHeader({ alg: 'HS256' }).setIssuer(clientId).setSubject(clientId).setAudience(issuer).setIssuedAt().setExpirationTime('2m').sign(new TextEncoder().encode(key));

const tokenRequest = async (running: Running, key: string) =>
  post(
    `${running.issuer}/token`,
    new URLSearchParams({ grant_type: 'client_credentials', scope: 'api:read', client_assertion_type: 'urn:ietf:params:oauth:client-assertion-type:jwt-bearer', client_assertion: await assertion(running.issuer, key) }),
  );

describe('client_secret_jwt from the seed file (end to end)', () => {
  let server: Running | undefined;
  afterEach(async () => {
    await server?.stop();
    server = undefined;
  });

  it('in memory: the seed client authenticates with an HS256 assertion; another key is invalid_client', async () => {
    server = await startServer(seed);
    const ok = await tokenRequest(server, secret);
    expect(ok.status).toBe(200);
    expect(ok.json?.['access_token']).toEqual(expect.any(String));
    const refused = await tokenRequest(server, `${secret}-not`);
    expect({ status: refused.status, error: refused.json?.['error'] }).toEqual({ status: 401, error: 'invalid_client' });
  });

  it('SQLite (DATA_DIR): the secret is sealed with the key secret at rest, and authenticates', async () => {
    const dataDir = mkdtempSync(path.join(tmpdir(), 'grantor-hmac-'));
    server = await startServer(seed, { DATA_DIR: dataDir });
    expect((await tokenRequest(server, secret)).status).toBe(200);
    // Nothing under DATA_DIR holds the secret in clear (nor its base64url form, the oct JWK's `k`).
    for (const file of readdirSync(dataDir)) {
      const bytes = readFileSync(path.join(dataDir, file)).toString('latin1');
      expect(bytes.includes(secret) || bytes.includes(Buffer.from(secret).toString('base64url')), file).toBe(false);
    }
  });
});
