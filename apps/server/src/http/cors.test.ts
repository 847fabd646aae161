/**
 * CORS on the running server: preflights and responses for origins clients registered (a public client's redirect
 * URI origin, a confidential client's allowed_cors_origins), per client at the token endpoint, never on the
 * authorization endpoint, and nothing for unknown origins.
 */
import { randomBytes } from 'node:crypto';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { startServer, type Running } from '../e2e/harness.js';

const spa = 'https://spa.example.test';
const app = 'https://app.example.test';
const evil = 'https://evil.example.test';
const secret = randomBytes(24).toString('base64url');
const seed = {
  clients: [
    { client_id: 'spa', redirect_uris: [`${spa}/cb`], grant_types: ['authorization_code', 'refresh_token'], response_types: ['code'], scope: 'openid', token_endpoint_auth_method: 'none' },
    { client_id: 'svc', client_secret: secret, grant_types: ['client_credentials'], response_types: [], scope: 'api:read', allowed_cors_origins: [app] },
  ],
  users: [],
};

describe('CORS', () => {
  let server: Running;
  beforeAll(async () => {
    server = await startServer(seed);
  });
  afterAll(async () => {
    await server?.stop();
  });

  const preflight = (path: string, origin: string) =>
    fetch(`${server.issuer}${path}`, { method: 'OPTIONS', headers: { origin, 'access-control-request-method': 'POST', 'access-control-request-headers': 'content-type' } });
  const token = (origin: string) =>
    fetch(`${server.issuer}/token`, {
      method: 'POST',
      headers: { origin, authorization: `Basic ${Buffer.from(`svc:${secret}`).toString('base64')}`, 'content-type': 'application/x-www-form-urlencoded' },
      body: 'grant_type=client_credentials',
    });

  it('answers the preflight of a registered origin at the token endpoint, and refuses others', async () => {
    for (const origin of [spa, app]) {
      const ok = await preflight('/token', origin);
      expect(ok.status).toBe(204);
      expect(ok.headers.get('access-control-allow-origin')).toBe(origin);
      expect(ok.headers.get('access-control-allow-methods')).toContain('POST');
      expect(ok.headers.get('access-control-allow-headers')?.toLowerCase()).toContain('content-type');
    }
    const no = await preflight('/token', evil);
    expect(no.status).toBe(403);
    expect(no.headers.get('access-control-allow-origin')).toBeNull();
  });

  it('discovery and JWKS carry the header for a registered origin only', async () => {
    const d = await fetch(`${server.issuer}/.well-known/openid-configuration`, { headers: { origin: spa } });
    expect(d.headers.get('access-control-allow-origin')).toBe(spa);
    const meta = (await d.json()) as { jwks_uri: string };
    expect((await fetch(meta.jwks_uri, { headers: { origin: app } })).headers.get('access-control-allow-origin')).toBe(app);
    expect((await fetch(meta.jwks_uri, { headers: { origin: evil } })).headers.get('access-control-allow-origin')).toBeNull();
    expect((await fetch(meta.jwks_uri)).headers.get('access-control-allow-origin')).toBeNull();
  });

  it('the token endpoint allows only the requesting client’s own origins', async () => {
    const mine = await token(app);
    expect(mine.status).toBe(200);
    expect(mine.headers.get('access-control-allow-origin')).toBe(app);
    expect(mine.headers.get('access-control-expose-headers')).toContain('WWW-Authenticate');
    const other = await token(spa);
    expect(other.status).toBe(200);
    expect(other.headers.get('access-control-allow-origin')).toBeNull();
  });

  it('never on the authorization endpoint', async () => {
    const q = new URLSearchParams({ client_id: 'spa', redirect_uri: `${spa}/cb`, response_type: 'code', scope: 'openid', code_challenge: 'x'.repeat(43), code_challenge_method: 'S256' });
    const res = await fetch(`${server.issuer}/authorize?${q.toString()}`, { headers: { origin: spa }, redirect: 'manual' });
    expect(res.headers.get('access-control-allow-origin')).toBeNull();
    const pre = await preflight('/authorize', spa);
    expect(pre.headers.get('access-control-allow-origin')).toBeNull();
  });
});
