import { createServer, request as httpRequest, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { fakeAuthorizationServer, type EchoBody } from '@grantor/testkit';
import { createNodeHandler } from './index.js';

interface Raw { readonly status: number; readonly headers: Record<string, string | string[] | undefined>; readonly text: string }

/** A request with full control over headers and body chunks (fetch joins duplicate headers itself). */
const raw = (port: number, method: string, path: string, headers: Record<string, string | string[]>, chunks: readonly Buffer[] = []): Promise<Raw> =>
  new Promise((resolve, reject) => {
    const req = httpRequest({ host: '127.0.0.1', port, method, path, headers }, (res) => {
      const parts: Buffer[] = [];
      res.on('data', (c: Buffer) => parts.push(c));
      res.on('end', () => resolve({ status: res.statusCode ?? 0, headers: res.headers, text: Buffer.concat(parts).toString('utf8') }));
    });
    req.on('error', reject);
    for (const c of chunks) req.write(c);
    req.end();
  });

let server: Server;
let base: string;
let port: number;

beforeAll(async () => {
  const grantor = fakeAuthorizationServer('http://127.0.0.1/oauth');
  server = createServer(createNodeHandler(grantor, { bodyLimit: 1024 }));
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  port = (server.address() as AddressInfo).port;
  base = `http://127.0.0.1:${port}`;
});
afterAll(() => new Promise<void>((resolve) => server.close(() => resolve())));

describe('createNodeHandler', () => {
  it('hands the core the raw body, the mount-relative path, the raw query and lower-case headers', async () => {
    const res = await fetch(`${base}/oauth/echo?x=%41&y`, { method: 'POST', headers: { 'Content-Type': 'application/x-www-form-urlencoded', 'X-Custom': 'v' }, body: 'a=1&b=%FF' });
    expect(res.status).toBe(200);
    const echo = (await res.json()) as EchoBody;
    expect(echo).toMatchObject({ method: 'POST', path: '/echo', query: 'x=%41&y' });
    expect(echo.headers['content-type']).toBe('application/x-www-form-urlencoded');
    expect(echo.headers['x-custom']).toBe('v');
    expect(Buffer.from(echo.body ?? '', 'base64').toString('latin1')).toBe('a=1&b=%FF');
  });

  it('passes invalid UTF-8 bytes through untouched', async () => {
    const res = await raw(port, 'POST', '/oauth/echo', { 'content-type': 'application/x-www-form-urlencoded' }, [Buffer.from([0x61, 0x3d, 0xff, 0xfe])]);
    const echo = JSON.parse(res.text) as EchoBody;
    expect([...Buffer.from(echo.body ?? '', 'base64')]).toEqual([0x61, 0x3d, 0xff, 0xfe]);
  });

  it('a request without a body reaches the core with body undefined', async () => {
    const echo = (await (await fetch(`${base}/oauth/echo`, { method: 'POST' })).json()) as EchoBody;
    expect(echo.body).toBeNull();
  });

  it('joins repeated headers, including the ones Node keeps once in req.headers', async () => {
    const res = await raw(port, 'GET', '/oauth/echo', { authorization: ['Basic YTpi', 'Basic Yzpk'], 'x-multi': ['1', '2'] });
    const echo = JSON.parse(res.text) as EchoBody;
    expect(echo.headers['authorization']).toBe('Basic YTpi, Basic Yzpk');
    expect(echo.headers['x-multi']).toBe('1, 2');
  });

  it('answers an oversized body (declared length) with 413 RFC JSON', async () => {
    const res = await fetch(`${base}/oauth/echo`, { method: 'POST', headers: { 'content-type': 'application/x-www-form-urlencoded' }, body: 'a='.padEnd(5000, 'x') });
    expect(res.status).toBe(413);
    expect(res.headers.get('cache-control')).toBe('no-store');
    expect(await res.json()).toEqual({ error: 'invalid_request', error_description: expect.stringContaining('1024') });
  });

  it('answers an oversized chunked body with 413 RFC JSON', async () => {
    const chunk = Buffer.alloc(600, 0x61);
    const res = await raw(port, 'POST', '/oauth/echo', { 'transfer-encoding': 'chunked', 'content-type': 'text/plain' }, [chunk, chunk, chunk]);
    expect(res.status).toBe(413);
    expect(JSON.parse(res.text)).toMatchObject({ error: 'invalid_request' });
  });

  it('answers invalid percent-encoding in the path with 400, not a throw', async () => {
    const res = await raw(port, 'GET', '/oauth/%E0%A4%A', {});
    expect(res.status).toBe(400);
    expect(JSON.parse(res.text)).toMatchObject({ error: 'invalid_request' });
  });

  it('leaves 405 and Allow to the core', async () => {
    const res = await fetch(`${base}/oauth/token`, { method: 'GET' });
    expect(res.status).toBe(405);
    expect(res.headers.get('allow')).toBe('POST');
  });

  it('writes redirects, empty and HTML responses faithfully', async () => {
    const r = await fetch(`${base}/oauth/authorize?state=x`, { redirect: 'manual' });
    expect(r.status).toBe(302);
    expect(r.headers.get('location')).toBe('/interaction/abc?state=x');
    const e = await fetch(`${base}/oauth/revoke`, { method: 'POST' });
    expect(e.status).toBe(200);
    expect(e.headers.get('content-type')).toBeNull();
    expect(await e.text()).toBe('');
    const h = await fetch(`${base}/oauth/page`);
    expect(h.headers.get('content-type')).toBe('text/html; charset=utf-8');
    expect(await h.text()).toBe('<p>héllo</p>');
  });

  it('turns an unwritable header or a rejected handler into RFC-shaped 500, and keeps serving', async () => {
    const bad = await fetch(`${base}/oauth/bad-header`);
    expect(bad.status).toBe(500);
    expect(await bad.json()).toMatchObject({ error: 'server_error' });
    const thrown = await fetch(`${base}/oauth/throws`);
    expect(thrown.status).toBe(500);
    expect(await thrown.json()).toMatchObject({ error: 'server_error' });
    expect((await fetch(`${base}/oauth/.well-known/openid-configuration`)).status).toBe(200);
  });

  it('answers paths outside the mount path and unknown paths with RFC-shaped 404', async () => {
    for (const path of ['/elsewhere', '/oauth/nope']) {
      const res = await fetch(`${base}${path}`);
      expect(res.status).toBe(404);
      expect(await res.json()).toMatchObject({ error: 'invalid_request' });
    }
  });

  it('hands other requests to a fallback when one is given', async () => {
    const grantor = fakeAuthorizationServer('http://127.0.0.1/');
    const s = createServer(createNodeHandler(grantor, { fallback: (_req, res) => res.writeHead(418).end('teapot') }));
    await new Promise<void>((resolve) => s.listen(0, '127.0.0.1', resolve));
    const p = (s.address() as AddressInfo).port;
    try {
      expect((await fetch(`http://127.0.0.1:${p}/nope`)).status).toBe(418);
      expect((await fetch(`http://127.0.0.1:${p}/echo`)).status).toBe(200);
    } finally {
      await new Promise<void>((resolve) => s.close(() => resolve()));
    }
  });
});
