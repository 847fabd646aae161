import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type * as jose from 'jose';
import { makeWorld, startServer, type Server } from './harness.js';

describe('§1 starting and §3 discovery', () => {
  let s: Server;
  beforeAll(async () => {
    s = await startServer((await makeWorld()).seed);
  });
  afterAll(async () => {
    await s?.stop();
  });

  it('publishes every required metadata member, issuer verbatim', () => {
    const m = s.meta;
    expect(m['issuer']).toBe(s.issuer);
    for (const k of ['authorization_endpoint', 'token_endpoint', 'jwks_uri', 'userinfo_endpoint', 'introspection_endpoint',
      'revocation_endpoint', 'device_authorization_endpoint']) {
      expect(typeof m[k], k).toBe('string');
      expect(() => new URL(m[k] as string)).not.toThrow();
    }
    for (const k of ['response_types_supported', 'grant_types_supported', 'code_challenge_methods_supported',
      'token_endpoint_auth_methods_supported', 'scopes_supported', 'subject_types_supported', 'id_token_signing_alg_values_supported']) {
      expect(Array.isArray(m[k]), k).toBe(true);
    }
    expect(m['id_token_signing_alg_values_supported']).toContain('RS256');
    expect(m['code_challenge_methods_supported']).toContain('S256');
    expect(m['code_challenge_methods_supported']).not.toContain('plain');
    expect(m['authorization_response_iss_parameter_supported']).toBe(true);
    for (const a of ['client_secret_basic', 'client_secret_post', 'private_key_jwt', 'none']) expect(m['token_endpoint_auth_methods_supported']).toContain(a);
    for (const sc of ['openid', 'profile', 'email', 'offline_access']) expect(m['scopes_supported']).toContain(sc);
  });

  it('an ISSUER with a path is used verbatim, and RFC 8414 metadata lives under /.well-known/oauth-authorization-server{path}', async () => {
    const t = await startServer((await makeWorld()).seed, (port) => `http://127.0.0.1:${port}/tenant-x`);
    try {
      expect(t.meta['issuer']).toBe(t.issuer);
      const u = new URL(t.issuer);
      const res = await fetch(`${u.origin}/.well-known/oauth-authorization-server${u.pathname}`);
      expect(res.status).toBe(200);
      expect(await res.json()).toEqual(t.meta);
    } finally {
      await t.stop();
    }
  });

  it('RFC 8414 metadata equals the OpenID discovery document', async () => {
    const u = new URL(s.issuer);
    const res = await fetch(`${u.origin}/.well-known/oauth-authorization-server${u.pathname === '/' ? '' : u.pathname}`);
    expect(res.status).toBe(200);
    expect(await res.json()).toEqual(s.meta);
  });

  it('jwks_uri publishes public RSA signing keys only', async () => {
    const res = await fetch(s.ep('jwks_uri'));
    expect(res.status).toBe(200);
    const jwks = (await res.json()) as { keys: jose.JWK[] };
    expect(jwks.keys.length).toBeGreaterThan(0);
    expect(jwks.keys.some((k) => k.kty === 'RSA')).toBe(true);
    for (const k of jwks.keys) for (const priv of ['d', 'p', 'q', 'dp', 'dq', 'qi', 'oth', 'k']) expect(k, priv).not.toHaveProperty(priv);
  });

  it('exits within 5 s of SIGTERM', async () => {
    const r = await s.stop();
    expect(r.ms).toBeLessThan(5000);
    // the whole process group is gone: nothing listens any more
    await expect(fetch(`${s.issuer}/.well-known/openid-configuration`)).rejects.toThrow();
  });
});
