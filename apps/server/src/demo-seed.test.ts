import { mkdtempSync, statSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { describe, expect, it } from 'vitest';
import { demoSecretsFile, demoSeed, loadOrCreateDemoSecrets } from './demo-seed.js';

describe('demo data', () => {
  it('is new on every call without a data directory', () => {
    const a = demoSeed('http://127.0.0.1:3000');
    const b = demoSeed('http://127.0.0.1:3000');
    expect(a.users[0]?.claims.sub).not.toBe(b.users[0]?.claims.sub);
    expect(a.users[0]?.password).not.toBe(b.users[0]?.password);
  });

  it('is created once in DATA_DIR (mode 0600) and the same on every later start: secrets, password, sub', () => {
    const dir = mkdtempSync(path.join(tmpdir(), 'grantor-demo-'));
    const first = loadOrCreateDemoSecrets(dir);
    expect(statSync(path.join(dir, demoSecretsFile)).mode & 0o777).toBe(0o600);
    expect(loadOrCreateDemoSecrets(dir)).toEqual(first);
    const seed = demoSeed('http://127.0.0.1:3000', first);
    expect(seed.users[0]).toMatchObject({ username: 'demo', password: first.password, claims: { sub: first.sub } });
    expect(seed.clients.find((c) => c.client_id === 'demo-web')?.metadata['client_secret']).toBe(first.webSecret);
    expect(seed.clients.find((c) => c.client_id === 'demo-machine')?.metadata['client_secret']).toBe(first.machineSecret);
  });

  it('refuses a damaged file with a message naming it', () => {
    const dir = mkdtempSync(path.join(tmpdir(), 'grantor-demo-'));
    writeFileSync(path.join(dir, demoSecretsFile), '{"webSecret":1}');
    expect(() => loadOrCreateDemoSecrets(dir)).toThrow(new RegExp(demoSecretsFile));
  });
});
