import { describe, expect, it } from 'vitest';
import * as fc from 'fast-check';
import { isRegisteredRedirectUri, redirectUriMatches } from './redirect-uri.js';

const port = fc.integer({ min: 1, max: 65535 });
const path = fc.stringMatching(/^\/[a-z0-9/_-]{0,20}(\?[a-z]=[a-z0-9]{1,5})?$/);
const loopbackHost = fc.constantFrom('127.0.0.1', '[::1]');

describe('redirect URI matching (RFC 9700 §2.1, RFC 8252 §7.3)', () => {
  it('a loopback IP redirect URI matches the same host and path with any port, registered with or without one', () => {
    fc.assert(
      fc.property(loopbackHost, path, fc.option(port, { nil: undefined }), port, (host, p, registeredPort, requestedPort) => {
        const registered = `http://${host}${registeredPort === undefined ? '' : `:${registeredPort}`}${p}`;
        expect(redirectUriMatches(registered, `http://${host}:${requestedPort}${p}`)).toBe(true);
        expect(redirectUriMatches(registered, `http://${host}${p}`)).toBe(true);
      }),
    );
  });

  it('another path, query, host or scheme never matches a loopback registration', () => {
    fc.assert(
      fc.property(loopbackHost, path, path, port, (host, p, other, requestedPort) => {
        fc.pre(p !== other);
        expect(redirectUriMatches(`http://${host}${p}`, `http://${host}:${requestedPort}${other}`)).toBe(false);
        expect(redirectUriMatches(`http://${host}${p}`, `https://${host}:${requestedPort}${p}`)).toBe(false);
        expect(redirectUriMatches(`http://${host}${p}`, `http://${host === '[::1]' ? '127.0.0.1' : '[::1]'}:${requestedPort}${p}`)).toBe(false);
      }),
    );
  });

  it('everything that is not a loopback IP literal is compared exactly (https, localhost, private-use schemes)', () => {
    fc.assert(
      fc.property(fc.constantFrom('https://app.example.test', 'http://localhost', 'com.example.app:'), path, port, port, (base, p, a, b) => {
        fc.pre(a !== b);
        const withPort = (n: number) => (base.endsWith(':') ? `${base}${p}` : `${base}:${n}${p}`);
        expect(redirectUriMatches(withPort(a), withPort(a))).toBe(true);
        if (!base.endsWith(':')) expect(redirectUriMatches(withPort(a), withPort(b))).toBe(false);
        if (!base.endsWith(':')) expect(redirectUriMatches(`${base}${p}`, withPort(a))).toBe(false);
      }),
    );
  });

  it.each([
    ['http://127.0.0.1/cb', 'http://127.0.0.1:80@evil.example/cb'],
    ['http://127.0.0.1/cb', 'http://127.0.0.1.evil.example/cb'],
    ['http://127.0.0.1/cb', 'http://127.0.0.1:0/cb'],
    ['http://127.0.0.1/cb', 'http://127.0.0.1:65536/cb'],
    ['http://127.0.0.1/cb', 'http://127.0.0.1:8080/cb#x'],
    ['http://127.0.0.1/cb', 'http://127.0.0.2:8080/cb'],
    ['http://127.0.0.1/cb', 'http://127.0.0.1:8080/cb/'],
    ['http://127.0.0.1/cb', 'HTTP://127.0.0.1:8080/cb'],
  ])('%s does not match %s', (registered, requested) => {
    expect(isRegisteredRedirectUri([registered], requested)).toBe(false);
  });
});
