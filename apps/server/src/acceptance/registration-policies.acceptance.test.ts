import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import * as jose from 'jose';
import { authorize, Browser, codeFrom, makeWorld, pkce, post, rnd, startServer, type Server, type World } from './harness.js';

/**
 * The reference server's registration policies beyond §6D, over HTTP only: REGISTRATION=software_statement with
 * REGISTRATION_TRUSTED_JWKS (RFC 7591 §2.3), REGISTRATION_RATE per address (429 + Retry-After), and RFC 8252 native
 * redirect URIs (a loopback IP redirect URI registered without a port is used with any port).
 */

interface Json { status: number; headers: Headers; json: Record<string, unknown> }

const register = async (s: Server, body: unknown): Promise<Json> => {
  const res = await fetch(s.ep('registration_endpoint'), { method: 'POST', headers: { 'content-type': 'application/json' }, body: JSON.stringify(body) });
  const text = await res.text();
  return { status: res.status, headers: res.headers, json: text === '' ? {} : (JSON.parse(text) as Record<string, unknown>) };
};

describe('registration policies of the reference server', () => {
  let s: Server;
  let w: World;
  let signer: jose.CryptoKey;
  const rate = 6;

  beforeAll(async () => {
    w = await makeWorld();
    const pair = await jose.generateKeyPair('ES256');
    signer = pair.privateKey;
    const jwks = { keys: [{ ...(await jose.exportJWK(pair.publicKey)), kid: 'vendor-1', alg: 'ES256' }] };
    s = await startServer(w.seed, undefined, {
      REGISTRATION: 'software_statement',
      REGISTRATION_TRUSTED_JWKS: JSON.stringify(jwks),
      REGISTRATION_RATE: String(rate),
      THROTTLE_LOOPBACK: '1',
    });
  });
  afterAll(async () => {
    await s?.stop();
  });

  const statement = (claims: Record<string, unknown>, key: jose.CryptoKey = signer) =>
    new jose.SignJWT({ iss: 'https://vendor.example.test', software_id: 'cli-tool', ...claims }).setProtectedHeader({ alg: 'ES256', kid: 'vendor-1' }).setIssuedAt().sign(key);

  it('a signed software statement registers a native client whose loopback redirect URI works on any port', async () => {
    const jwt = await statement({ client_name: 'CLI', redirect_uris: ['http://127.0.0.1/callback'], token_endpoint_auth_method: 'none', grant_types: ['authorization_code'], scope: 'openid' });
    const r = await register(s, { client_name: 'ignored', software_statement: jwt });
    expect(r.status).toBe(201);
    expect(r.json).toMatchObject({ client_name: 'CLI', redirect_uris: ['http://127.0.0.1/callback'], software_statement: jwt, software_id: 'cli-tool' });
    const clientId = r.json['client_id'] as string;
    const { verifier, challenge } = await pkce();
    const used = `http://127.0.0.1:${40000 + Math.floor(Math.random() * 20000)}/callback`;
    const b = new Browser(s.issuer);
    const { final } = await authorize(s, b, { client_id: clientId, response_type: 'code', redirect_uri: used, scope: 'openid', code_challenge: challenge, code_challenge_method: 'S256', state: 'st' }, w.alice);
    const back = codeFrom(final);
    expect(`${back.origin}${back.pathname}`).toBe(used);
    const code = back.searchParams.get('code') as string;
    const wrongPort = await post(s.ep('token_endpoint'), { grant_type: 'authorization_code', client_id: clientId, code, redirect_uri: 'http://127.0.0.1:1/callback', code_verifier: verifier });
    expect(wrongPort.json['error']).toBe('invalid_grant');
  });

  it('without a statement, or with one signed by another key: invalid_software_statement', async () => {
    expect(await register(s, { redirect_uris: ['https://a.example.test/cb'] })).toMatchObject({ status: 400, json: { error: 'invalid_software_statement' } });
    const stranger = (await jose.generateKeyPair('ES256')).privateKey;
    const forged = await statement({ redirect_uris: ['https://a.example.test/cb'] }, stranger);
    expect(await register(s, { software_statement: forged })).toMatchObject({ status: 400, json: { error: 'invalid_software_statement' } });
  });

  it(`registrations are limited per address: past ${rate} an hour, 429 with Retry-After and an RFC-shaped JSON error`, async () => {
    const statuses: number[] = [];
    let last: Json | undefined;
    for (let i = 0; i < rate + 2; i++) {
      last = await register(s, { software_statement: await statement({ redirect_uris: [`https://app-${rnd()}.example.test/cb`] }) });
      statuses.push(last.status);
    }
    expect(statuses).toContain(429);
    expect(statuses.filter((x) => x !== 429).every((x) => x === 201 || x === 400)).toBe(true);
    expect(last?.status).toBe(429);
    expect(Number(last?.headers.get('retry-after'))).toBeGreaterThan(0);
    expect(last?.json['error']).toEqual(expect.any(String));
    expect(last?.json).not.toHaveProperty('client_id');
  });
});
