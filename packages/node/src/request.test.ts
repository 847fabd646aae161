import { describe, expect, it } from 'vitest';
import { defaultMountPath, normaliseMountPath, requestTarget } from './index.js';
import { fakeAuthorizationServer } from '@grantor/testkit';

describe('requestTarget', () => {
  it('strips the mount path and keeps the raw query', () => {
    expect(requestTarget('/oauth/token?a=%20b&c', '/oauth')).toEqual({ _tag: 'Target', path: '/token', query: 'a=%20b&c' });
    expect(requestTarget('/oauth', '/oauth/')).toEqual({ _tag: 'Target', path: '/', query: '' });
    expect(requestTarget('/token', '')).toEqual({ _tag: 'Target', path: '/token', query: '' });
  });

  it('reports paths outside the mount path', () => {
    expect(requestTarget('/oauthx/token', '/oauth')._tag).toBe('Outside');
    expect(requestTarget('/other', '/oauth')._tag).toBe('Outside');
    expect(requestTarget('*', '/oauth')._tag).toBe('Outside');
  });

  it('decodes the path; invalid percent-encoding under the mount path is a 400, never a throw', () => {
    expect(requestTarget('/oauth/tok%65n', '/oauth')).toMatchObject({ path: '/token' });
    const bad = requestTarget('/oauth/%E0%A4%A', '/oauth');
    expect(bad._tag).toBe('Invalid');
    if (bad._tag === 'Invalid') {
      expect(bad.response.status).toBe(400);
      expect(bad.response).toMatchObject({ _tag: 'Json', body: { error: 'invalid_request' } });
    }
    expect(requestTarget('/elsewhere/%zz', '/oauth')._tag).toBe('Outside');
  });

  it('accepts absolute-form targets', () => {
    expect(requestTarget('http://a.example/oauth/token?x=1', '/oauth')).toEqual({ _tag: 'Target', path: '/token', query: 'x=1' });
  });

  it('normalises mount paths and derives the default from baseUrl', () => {
    expect(normaliseMountPath('/')).toBe('');
    expect(normaliseMountPath('oauth/')).toBe('/oauth');
    expect(defaultMountPath(fakeAuthorizationServer('https://as.example/oauth/'))).toBe('/oauth');
    expect(defaultMountPath(fakeAuthorizationServer('https://as.example'))).toBe('');
  });
});

describe('bearerHttpRequest', () => {
  it('keeps the headers and raw query even when the path is not validly percent-encoded', async () => {
    const { bearerHttpRequest } = await import('./index.js');
    const req = { method: 'get', url: '/api/%zz?access_token=abc', headersDistinct: { authorization: ['Bearer t'] }, headers: {}, socket: {} };
    const r = bearerHttpRequest(req as never, undefined);
    expect(r).toMatchObject({ method: 'GET', path: '/', query: 'access_token=abc', headers: { authorization: 'Bearer t' } });
  });
});
