import { describe, expect, it } from 'vitest';
import { oauthError } from '../errors/oauth-error.js';
import { logError, loggable } from './render-error.js';

describe('log lines of errors (client_id and scope values quoted in details)', () => {
  it('cuts a detail to 256 characters and says how long it was', () => {
    const out = loggable(`unknown client ${'x'.repeat(60_000)}`);
    expect(out.length).toBeLessThan(300);
    expect(out).toMatch(/… \(60015 characters\)$/);
  });

  it('escapes control and bidirectional-formatting characters, so a value cannot forge or disguise a line', () => {
    expect(loggable('a\nb\u202ec\u0000')).toBe('a\\u{a}b\\u{202e}c\\u{0}');
    expect(loggable('plain scope read:all')).toBe('plain scope read:all');
  });

  it('logError writes the escaped, bounded detail', () => {
    const lines: Record<string, unknown>[] = [];
    logError({ log: (_level, _message, fields) => void lines.push(fields ?? {}) }, 'token', oauthError('invalid_client', 'x', { detail: `bad secret for ${'\n'.repeat(3)}${'y'.repeat(1000)}` }));
    expect(String(lines[0]?.['detail'])).toMatch(/^bad secret for \\u\{a\}\\u\{a\}\\u\{a\}y+… \(1018 characters\)$/);
  });
});
