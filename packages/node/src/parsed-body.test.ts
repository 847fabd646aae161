import { describe, expect, it } from 'vitest';
import { encodeForm, reconstructBody } from './index.js';

const text = (b: Uint8Array | undefined) => (b === undefined ? undefined : Buffer.from(b).toString('utf8'));

describe('reconstructBody (fallback when a host body parser ran first)', () => {
  it('keeps buffers and strings exactly', () => {
    expect([...(reconstructBody('application/octet-stream', Buffer.from([1, 2, 255])) ?? [])]).toEqual([1, 2, 255]);
    expect(text(reconstructBody('text/plain', 'a=1'))).toBe('a=1');
  });

  it('re-encodes urlencoded objects so repeated parameters stay repeated', () => {
    const body = text(reconstructBody('application/x-www-form-urlencoded; charset=utf-8', { grant_type: 'x', a: ['1', '2'], s: 'a b&c' }));
    const params = new URLSearchParams(body);
    expect(params.getAll('a')).toEqual(['1', '2']);
    expect(params.get('s')).toBe('a b&c');
    expect(params.get('grant_type')).toBe('x');
  });

  it('re-serialises other parsed values as JSON; nothing parsed → no body', () => {
    expect(JSON.parse(text(reconstructBody('application/json', { a: [1, { b: null }] })) ?? '')).toEqual({ a: [1, { b: null }] });
    expect(reconstructBody('application/json', undefined)).toBeUndefined();
    expect(reconstructBody('application/x-www-form-urlencoded', {})).toBeUndefined();
    expect(reconstructBody('text/plain', '')).toBeUndefined();
  });

  it('encodeForm brackets nested objects like qs', () => {
    expect(encodeForm({ a: ['1', '2'], b: { c: 'd' }, e: 'f g', n: null })).toBe('a=1&a=2&b%5Bc%5D=d&e=f+g');
  });
});
