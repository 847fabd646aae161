import { mkdtempSync, statSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { describe, expect, it } from 'vitest';
import type { KeyOperationResult, KeyRotationApi, Logger } from '@grantor/core';
import { encryptingSealer, ensureSecretFile, keyMaintenance, keySecretFile, lastKeyChange, rotationDue, type KeyInfo } from './keys.js';
import { readEnv } from './env.js';

const silent: Logger = { log: () => undefined };
const jwk = { kty: 'EC', crv: 'P-256', x: 'x', y: 'y', d: 'private-part' };

describe('private keys at rest', () => {
  it('seals a private JWK as a JWE (no JSON, no "d") and opens it with the same secret only', async () => {
    const sealer = encryptingSealer('correct horse battery staple');
    const sealed = await sealer.seal(jwk, 'kid-1');
    expect(sealed.split('.')).toHaveLength(5);
    expect(sealed).not.toContain('"d"');
    expect(sealed).not.toContain('private-part');
    expect(await sealer.open(sealed, 'kid-1')).toEqual(jwk);
    await expect(encryptingSealer('another secret, sixteen+').open(sealed, 'kid-1')).rejects.toThrow();
    await expect(sealer.open(sealed, 'kid-2')).rejects.toThrow(/kid-1/);
  });

  it('still opens keys stored as plain JSON before encryption was turned on', async () => {
    expect(await encryptingSealer('correct horse battery staple').open(JSON.stringify(jwk), 'kid-1')).toEqual(jwk);
    await expect(encryptingSealer('correct horse battery staple').open('{"no":"kty"}', 'kid-1')).rejects.toThrow(/malformed/);
  });

  it('generates DATA_DIR/key-secret once, mode 0600, and reads the same secret afterwards', () => {
    const dir = path.join(mkdtempSync(path.join(tmpdir(), 'grantor-keys-')), 'nested');
    const first = ensureSecretFile(dir);
    expect(first.length).toBeGreaterThanOrEqual(32);
    expect(statSync(path.join(dir, keySecretFile)).mode & 0o777).toBe(0o600);
    expect(ensureSecretFile(dir)).toBe(first);
  });

  it('reads KEY_ENCRYPTION_SECRET and KEY_ROTATION_DAYS', () => {
    expect(readEnv({ KEY_ENCRYPTION_SECRET: 'a-secret-of-16-chars', KEY_ROTATION_DAYS: '30' })).toMatchObject({ keyEncryptionSecret: 'a-secret-of-16-chars', keyRotationDays: 30 });
    expect(readEnv({ KEY_ROTATION_DAYS: '0.5' }).keyRotationDays).toBe(0.5);
    expect(readEnv({ KEY_ROTATION_DAYS: 'off' }).keyRotationDays).toBeUndefined();
    expect(readEnv({}).keyRotationDays).toBeUndefined();
    for (const bad of ['-1', 'soon', '1e3', 'Infinity']) expect(() => readEnv({ KEY_ROTATION_DAYS: bad })).toThrow(/KEY_ROTATION_DAYS/);
    expect(() => readEnv({ KEY_ENCRYPTION_SECRET: 'short' })).toThrow(/KEY_ENCRYPTION_SECRET/);
  });
});

describe('rotation schedule', () => {
  const day = 86_400;
  it('dates the last change by the newest createdAt / retiredAt (a rotation creates the next key and retires the active one)', () => {
    expect(lastKeyChange([])).toBeUndefined();
    const firstStart: KeyInfo[] = [{ kid: 'a', status: 'active', createdAt: 1000 }];
    expect(lastKeyChange(firstStart)).toBe(1000);
    // After a rotation at 5000: the old key retired at 5000, the promoted key is older, the fresh next key is from 5000.
    const rotated: KeyInfo[] = [
      { kid: 'a', status: 'retired', createdAt: 1000, retiredAt: 5000 },
      { kid: 'b', status: 'active', createdAt: 1000 },
      { kid: 'c', status: 'next', createdAt: 5000 },
    ];
    expect(lastKeyChange(rotated)).toBe(5000);
    // The retired key pruned: the next key still dates the rotation.
    expect(lastKeyChange(rotated.slice(1))).toBe(5000);
    expect(rotationDue(rotated, 5000 + 30 * day - 1, 30 * day)).toBe(false);
    expect(rotationDue(rotated, 5000 + 30 * day, 30 * day)).toBe(true);
    expect(rotationDue([], 1e12, day)).toBe(false);
  });

  const fakeKeys = (stored: { keys: KeyInfo[] }, now: () => number) => {
    const calls: string[] = [];
    const done = (): KeyOperationResult => ({ _tag: 'Done', jwks: { keys: [] }, active: [] });
    const api: KeyRotationApi = {
      rotate: async () => {
        calls.push('rotate');
        stored.keys = [...stored.keys.map((k) => (k.status === 'active' ? { ...k, status: 'retired', retiredAt: now() } : k)), { kid: `k${now()}`, status: 'active', createdAt: now() }];
        return done();
      },
      reload: async () => {
        calls.push('reload');
        return done();
      },
    };
    return { api, calls };
  };

  it('rotates when due (once), reloads only after another process changed the stored keys', async () => {
    let t = 1000;
    const stored = { keys: [{ kid: 'a', status: 'active', createdAt: 1000 }] as KeyInfo[] };
    const { api, calls } = fakeKeys(stored, () => t);
    const m = keyMaintenance({ keys: api, keyInfo: async () => stored.keys, periodSeconds: 100, now: () => t, logger: silent });
    await m.tick();
    expect(calls).toEqual([]);
    t = 1100;
    await m.tick();
    expect(calls).toEqual(['rotate']);
    await m.tick();
    expect(calls).toEqual(['rotate']);
    // Someone else (rotate-keys) changed the store.
    stored.keys = [...stored.keys, { kid: 'outside', status: 'next', createdAt: 1150 }];
    t = 1160;
    await m.tick();
    expect(calls).toEqual(['rotate', 'reload']);
    await m.tick();
    expect(calls).toEqual(['rotate', 'reload']);
  });

  it('without a period never rotates, and a failing check never rejects', async () => {
    const stored = { keys: [{ kid: 'a', status: 'active', createdAt: 0 }] as KeyInfo[] };
    const { api, calls } = fakeKeys(stored, () => 1e9);
    const m = keyMaintenance({ keys: api, keyInfo: async () => stored.keys, now: () => 1e9, logger: silent });
    await m.tick();
    await m.tick();
    expect(calls).toEqual([]);
    const failing = keyMaintenance({ keys: api, keyInfo: async () => Promise.reject(new Error('db down')), now: () => 1, logger: silent });
    await expect(failing.tick()).resolves.toBeUndefined();
    await m.reload();
    expect(calls).toEqual(['reload']);
  });
});
