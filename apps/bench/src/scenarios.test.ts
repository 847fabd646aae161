import { describe, expect, it } from 'vitest';
import type { AutocannonRequest } from 'autocannon';
import { requestFor } from './scenarios.js';

const body = (r: AutocannonRequest): string => String(r.body);

describe('single-use scenarios', () => {
  it('hand out a different pre-issued code to every request, in order, across all connections', async () => {
    const gen = await requestFor('authorization_code', { type: 'ready', port: 1, codes: { prefix: 'c.', count: 1000 } });
    const seen = Array.from({ length: 5 }, () => body(gen.setupRequest!({}, {})));
    expect(seen.map((b) => new URLSearchParams(b).get('code'))).toEqual(['c.0', 'c.1', 'c.2', 'c.3', 'c.4']);
    expect(new URLSearchParams(seen[0]).get('grant_type')).toBe('authorization_code');
  });

  it('rotate a different refresh token on every request', async () => {
    const gen = await requestFor('refresh_token', { type: 'ready', port: 1, refreshTokens: { prefix: 'r.', count: 2 } });
    const tokens = Array.from({ length: 3 }, () => new URLSearchParams(body(gen.setupRequest!({}, {}))).get('refresh_token'));
    // Past the pre-issued count the generator wraps around: those requests fail and are counted as non-2xx.
    expect(tokens).toEqual(['r.0', 'r.1', 'r.0']);
  });

  it('refuse to run without pre-issued values', async () => {
    await expect(requestFor('authorization_code', { type: 'ready', port: 1 })).rejects.toThrow(/no codes/);
  });
});
