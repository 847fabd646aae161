/**
 * Running the server for real: HOST / TRUST_PROXY / SEED_MODE settings, the client address behind trusted proxies,
 * health endpoints, and a seed that never undoes an operator's change across restarts.
 */
import { randomBytes } from 'node:crypto';
import { mkdtempSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { describe, expect, it } from 'vitest';
import { freePort, startServer } from '../e2e/harness.js';
import { readEnv } from '../env.js';
import { clientAddress } from '../http/proxy.js';

const base = { PORT: '0', ISSUER: 'http://127.0.0.1:1' };

describe('settings', () => {
  it('HOST defaults to 127.0.0.1; TRUST_PROXY takes hops or CIDRs; SEED_MODE missing|overwrite; bad values name the variable', () => {
    expect(readEnv(base)).toMatchObject({ host: '127.0.0.1', seedMode: 'overwrite' }); // the demo data follows ISSUER
    expect(readEnv({ ...base, SEED: '/tmp/seed.json' })).toMatchObject({ seedMode: 'missing' });
    expect(readEnv({ ...base, SEED_MODE: 'missing' })).toMatchObject({ seedMode: 'missing' });
    expect(readEnv(base).trustProxy).toBeUndefined();
    expect(readEnv({ ...base, HOST: '0.0.0.0', TRUST_PROXY: '2', SEED_MODE: 'overwrite' })).toMatchObject({ host: '0.0.0.0', trustProxy: { hops: 2 }, seedMode: 'overwrite' });
    expect(readEnv({ ...base, TRUST_PROXY: '10.0.0.0/8, 127.0.0.1' }).trustProxy).toEqual({ cidrs: ['10.0.0.0/8', '127.0.0.1'] });
    expect(readEnv({ ...base, TRUST_PROXY: 'false' }).trustProxy).toBeUndefined();
    expect(() => readEnv({ ...base, TRUST_PROXY: 'everyone' })).toThrow(/TRUST_PROXY/);
    expect(() => readEnv({ ...base, SEED_MODE: 'sometimes' })).toThrow(/SEED_MODE/);
    expect(() => readEnv({ ...base, HOST: 'a b' })).toThrow(/HOST/);
  });
});

describe('client address behind proxies (TRUST_PROXY)', () => {
  it('with one trusted hop the header entry nearest the proxy is the client; without a header, the peer', () => {
    const one = clientAddress({ hops: 1 });
    expect(one('10.0.0.2', '203.0.113.7')).toBe('203.0.113.7');
    // A client that sends its own X-Forwarded-For cannot choose its address: the proxy appended the real one.
    expect(one('10.0.0.2', '1.1.1.1, 203.0.113.7')).toBe('203.0.113.7');
    expect(one('10.0.0.2', undefined)).toBe('10.0.0.2');
    expect(clientAddress({ hops: 2 })('10.0.0.2', '1.1.1.1, 203.0.113.7, 10.0.0.9')).toBe('203.0.113.7');
  });

  it('with CIDRs, the first address from the right outside them is the client; an untrusted peer is the client itself', () => {
    const nets = clientAddress({ cidrs: ['10.0.0.0/8', '::1'] });
    expect(nets('10.0.0.2', '1.1.1.1, 203.0.113.7, 10.1.2.3')).toBe('203.0.113.7');
    expect(nets('::ffff:10.0.0.2', '203.0.113.7')).toBe('203.0.113.7');
    expect(nets('198.51.100.1', '203.0.113.7')).toBe('198.51.100.1');
    expect(nets('10.0.0.2', 'not-an-address')).toBe('10.0.0.2');
  });
});

describe('seed and restarts (SEED_MODE), health', () => {
  it('a secret rotated at runtime survives a restart with the same seed; SEED_MODE=overwrite restores the seed; /healthz and /readyz answer 200', async () => {
    const dataDir = mkdtempSync(path.join(tmpdir(), 'grantor-seedmode-'));
    const port = await freePort();
    const adminToken = randomBytes(32).toString('base64url');
    const id = `svc-${randomBytes(6).toString('hex')}`;
    const seedSecret = randomBytes(24).toString('base64url');
    const seed = { clients: [{ client_id: id, client_secret: seedSecret, grant_types: ['client_credentials'], response_types: [], scope: 'api:read' }], users: [] };
    const env = { DATA_DIR: dataDir, ADMIN_TOKEN: adminToken };
    const token = (issuer: string, secret: string) =>
      fetch(`${issuer}/token`, {
        method: 'POST',
        headers: { authorization: `Basic ${Buffer.from(`${id}:${secret}`).toString('base64')}`, 'content-type': 'application/x-www-form-urlencoded' },
        body: 'grant_type=client_credentials',
      }).then((r) => r.status);

    let server = await startServer(seed, env, '', port);
    let rotated = '';
    try {
      expect((await fetch(`${server.issuer}/healthz`)).status).toBe(200);
      const ready = await fetch(`${server.issuer}/readyz`);
      expect(ready.status).toBe(200);
      expect(await ready.json()).toMatchObject({ status: 'ok', store: 'ok' });
      const res = await fetch(`${server.issuer}/admin/clients/${id}/rotate-secret`, { method: 'POST', headers: { authorization: `Bearer ${adminToken}` } });
      rotated = ((await res.json()) as { client_secret: string }).client_secret;
      expect(await token(server.issuer, rotated)).toBe(200);
    } finally {
      await server.stop();
    }
    server = await startServer(seed, env, '', port);
    try {
      expect(await token(server.issuer, rotated)).toBe(200);
      expect(await token(server.issuer, seedSecret)).toBe(401);
    } finally {
      await server.stop();
    }
    server = await startServer(seed, { ...env, SEED_MODE: 'overwrite' }, '', port);
    try {
      expect(await token(server.issuer, seedSecret)).toBe(200);
      expect(await token(server.issuer, rotated)).toBe(401);
    } finally {
      await server.stop();
    }
  });
});
