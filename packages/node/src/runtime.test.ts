import { describe, expect, it } from 'vitest';
import { consoleLogger, cryptoRandom, nodeRuntime, sha256SecretHasher, systemClock } from './index.js';

describe('nodeRuntime', () => {
  it('exposes the four runtime ports', () => {
    const rt = nodeRuntime({ log: { write: () => undefined } });
    expect(Object.keys(rt).sort()).toEqual(['clock', 'logger', 'random', 'secrets']);
  });

  it('clock reads epoch seconds', () => {
    const now = systemClock.now();
    expect(Math.abs(now - Date.now() / 1000)).toBeLessThan(5);
  });

  it('random tokens are base64url without padding, of the requested entropy, and distinct', () => {
    const t = cryptoRandom.token(32);
    expect(t).toMatch(/^[A-Za-z0-9_-]{43}$/);
    expect(Buffer.from(t, 'base64url').length).toBe(32);
    expect(new Set(Array.from({ length: 100 }, () => cryptoRandom.token(16))).size).toBe(100);
  });

  it('pooled random tokens never share bytes across pool refills, and large draws work', () => {
    // 32-byte tokens drawn well past several 16 KiB pool refills: every token distinct, and no 8-byte window of one
    // token reappears in another (a reused pool slice would repeat whole windows).
    const windows = new Set<string>();
    for (let i = 0; i < 4000; i++) {
      const bytes = Buffer.from(cryptoRandom.token(32), 'base64url');
      expect(bytes.length).toBe(32);
      for (let w = 0; w < 32; w += 8) {
        const key = bytes.subarray(w, w + 8).toString('hex');
        expect(windows.has(key)).toBe(false);
        windows.add(key);
      }
    }
    expect(Buffer.from(cryptoRandom.token(40_000), 'base64url').length).toBe(40_000);
  });

  it('random ints stay in [0, max) and cover the range', () => {
    const seen = new Set<number>();
    for (let i = 0; i < 2000; i++) {
      const n = cryptoRandom.int(7);
      expect(Number.isInteger(n) && n >= 0 && n < 7).toBe(true);
      seen.add(n);
    }
    expect(seen.size).toBe(7);
  });

  it('hashes with SHA-256 base64url (known vector) and verifies only the right value', () => {
    // SHA-256("abc") = ba7816bf...; base64url without padding
    expect(sha256SecretHasher.hash('abc')).toBe('ungWv48Bz-pBQUDeXa4iI7ADYaOWF3qctBD_YfIAFa0');
    const h = sha256SecretHasher.hash('s3cret');
    expect(sha256SecretHasher.verify('s3cret', h)).toBe(true);
    expect(sha256SecretHasher.verify('s3cret!', h)).toBe(false);
    expect(sha256SecretHasher.verify('s3cret', '')).toBe(false);
    expect(sha256SecretHasher.verify('s3cret', `${h}x`)).toBe(false);
    expect(sha256SecretHasher.verify('', sha256SecretHasher.hash(''))).toBe(true);
  });

  it('logger writes JSON lines at or above its level and survives unserialisable fields', () => {
    const lines: string[] = [];
    const logger = consoleLogger({ level: 'info', write: (line) => lines.push(line) });
    const cyclic: Record<string, unknown> = {};
    cyclic['self'] = cyclic;
    logger.log('debug', 'hidden');
    logger.log('warn', 'shown', { cause: new Error('boom'), n: 10n, cyclic });
    expect(lines).toHaveLength(1);
    const parsed = JSON.parse(lines[0] ?? '') as Record<string, unknown>;
    expect(parsed).toMatchObject({ level: 'warn', message: 'shown', n: '10', cause: { name: 'Error', message: 'boom' }, cyclic: { self: '[Circular]' } });
  });
});
