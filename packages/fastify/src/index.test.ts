import { request as httpRequest } from 'node:http';
import Fastify, { type FastifyInstance } from 'fastify';
import { afterEach, describe, expect, it } from 'vitest';
import { fakeAuthorizationServer, fakeBearerToken, type EchoBody } from '@grantor/testkit';
import { grantorFastify, grantorFrameworkErrors } from './index.js';

let open: FastifyInstance[] = [];
afterEach(async () => {
  await Promise.all(open.map((f) => f.close()));
  open = [];
});

const listen = async (app: FastifyInstance): Promise<string> => {
  open.push(app);
  return app.listen({ port: 0, host: '127.0.0.1' });
};

const echoOf = async (res: Response): Promise<EchoBody & { text: string }> => {
  const e = (await res.json()) as EchoBody;
  return { ...e, text: Buffer.from(e.body ?? '', 'base64').toString('utf8') };
};

const form = { 'content-type': 'application/x-www-form-urlencoded' };

const rawRequest = (base: string, method: string, path: string, headers: Record<string, string>, body?: Buffer) =>
  new Promise<{ status: number; text: string; headers: Record<string, unknown> }>((resolve, reject) => {
    const u = new URL(base);
    const req = httpRequest({ host: u.hostname, port: u.port, method, path, headers }, (res) => {
      const parts: Buffer[] = [];
      res.on('data', (c: Buffer) => parts.push(c));
      res.on('end', () => resolve({ status: res.statusCode ?? 0, text: Buffer.concat(parts).toString('utf8'), headers: res.headers }));
    });
    req.on('error', reject);
    if (body !== undefined) req.write(body);
    req.end();
  });

describe('grantorFastify', () => {
  it('answers a request target Fastify cannot decode (/%zz) in RFC 6749 §5.2 shape when given grantorFrameworkErrors', async () => {
    const app = Fastify({ frameworkErrors: grantorFrameworkErrors });
    await app.register(grantorFastify, { server: fakeAuthorizationServer() });
    const base = await listen(app);
    for (const path of ['/%zz', '/%E0%A4%A', '/echo/%zz']) {
      const res = await rawRequest(base, 'GET', path, {});
      expect(res.status).toBe(400);
      expect(JSON.parse(res.text)).toEqual({ error: 'invalid_request', error_description: 'The request target could not be read.' });
      expect(res.headers['cache-control']).toBe('no-store');
    }
  });

  it('serves every server route under the mount path and leaves the rest to the host', async () => {
    const app = Fastify();
    await app.register(grantorFastify, { server: fakeAuthorizationServer('http://127.0.0.1/oauth') });
    app.get('/hello', async () => 'hi');
    const base = await listen(app);
    const e = await echoOf(await fetch(`${base}/oauth/echo?q=1`, { method: 'POST', headers: form, body: 'a=1&a=2' }));
    expect(e).toMatchObject({ path: '/echo', query: 'q=1', text: 'a=1&a=2' });
    expect(await (await fetch(`${base}/hello`)).text()).toBe('hi');
    expect((await fetch(`${base}/oauth/unknown`)).status).toBe(404);
  });

  it("neither breaks nor depends on the host's parsers (JSON stays raw for the core, host JSON routes still parse)", async () => {
    const app = Fastify();
    await app.register(grantorFastify, { server: fakeAuthorizationServer() });
    app.post('/host', async (request) => ({ got: request.body }));
    const base = await listen(app);
    const e = await echoOf(await fetch(`${base}/echo`, { method: 'POST', headers: { 'content-type': 'application/json' }, body: '{"a":1}' }));
    expect(e.text).toBe('{"a":1}');
    const other = await echoOf(await fetch(`${base}/echo`, { method: 'POST', headers: { 'content-type': 'text/x-whatever' }, body: 'zzz' }));
    expect(other.text).toBe('zzz');
    const host = await fetch(`${base}/host`, { method: 'POST', headers: { 'content-type': 'application/json' }, body: '{"a":1}' });
    expect(await host.json()).toEqual({ got: { a: 1 } });
  });

  it("is unaffected by a form parser the host registered first, which keeps serving the host's routes", async () => {
    const app = Fastify();
    app.addContentTypeParser('application/x-www-form-urlencoded', { parseAs: 'string' }, (_req, body, done) => done(null, { parsed: String(body) }));
    await app.register(grantorFastify, { server: fakeAuthorizationServer() });
    app.post('/host', async (request) => request.body);
    const base = await listen(app);
    const e = await echoOf(await fetch(`${base}/echo`, { method: 'POST', headers: form, body: 'a=1&a=%FF' }));
    expect(e.text).toBe('a=1&a=%FF');
    expect(await (await fetch(`${base}/host`, { method: 'POST', headers: form, body: 'x=1' })).json()).toEqual({ parsed: 'x=1' });
  });

  it('leaves 405 with Allow to the core, for any method', async () => {
    const app = Fastify();
    await app.register(grantorFastify, { server: fakeAuthorizationServer() });
    const base = await listen(app);
    for (const method of ['GET', 'PUT', 'DELETE', 'PATCH']) {
      const res = await fetch(`${base}/token`, { method });
      expect(res.status).toBe(405);
      expect(res.headers.get('allow')).toBe('POST');
      expect(await res.json()).toMatchObject({ error: 'invalid_request' });
    }
  });

  it('writes every response kind like the Node layer does', async () => {
    const app = Fastify();
    await app.register(grantorFastify, { server: fakeAuthorizationServer() });
    const base = await listen(app);
    const r = await fetch(`${base}/authorize?state=x`, { redirect: 'manual' });
    expect(r.status).toBe(302);
    expect(r.headers.get('location')).toBe('/interaction/abc?state=x');
    const e = await fetch(`${base}/revoke`, { method: 'POST' });
    expect(e.status).toBe(200);
    expect(e.headers.get('content-type')).toBeNull();
    expect(await e.text()).toBe('');
    const h = await fetch(`${base}/page`);
    expect(h.headers.get('content-type')).toBe('text/html; charset=utf-8');
    expect(await h.text()).toBe('<p>héllo</p>');
    const j = await fetch(`${base}/.well-known/openid-configuration`);
    expect(j.headers.get('content-type')).toBe('application/json; charset=utf-8');
    expect(await j.text()).toBe('{"issuer":"http://127.0.0.1"}');
    const bad = await fetch(`${base}/bad-header`);
    expect(bad.status).toBe(500);
    expect(await bad.json()).toMatchObject({ error: 'server_error' });
    expect((await fetch(`${base}/throws`)).status).toBe(500);
  });

  it("answers Fastify's own 413 in RFC shape, and lets the core judge a malformed content type", async () => {
    const app = Fastify();
    await app.register(grantorFastify, { server: fakeAuthorizationServer(), bodyLimit: 100 });
    const base = await listen(app);
    const big = await fetch(`${base}/echo`, { method: 'POST', headers: form, body: 'x='.padEnd(200, 'y') });
    expect(big.status).toBe(413);
    expect(await big.json()).toEqual({ error: 'invalid_request', error_description: expect.stringContaining('100') });
    const odd = await rawRequest(base, 'POST', '/echo', { 'content-type': '"; ;', 'content-length': '3' }, Buffer.from('a=b'));
    expect(odd.status).toBe(200);
    expect((JSON.parse(odd.text) as EchoBody).headers['content-type']).toBe('"; ;');
  });

  it('a body without a content type still reaches the core raw', async () => {
    const app = Fastify();
    await app.register(grantorFastify, { server: fakeAuthorizationServer() });
    const base = await listen(app);
    const res = await rawRequest(base, 'POST', '/echo', { 'content-length': '3' }, Buffer.from('a=b'));
    expect(Buffer.from((JSON.parse(res.text) as EchoBody).body ?? '', 'base64').toString()).toBe('a=b');
    const none = await rawRequest(base, 'POST', '/echo', {});
    expect((JSON.parse(none.text) as EchoBody).body).toBeNull();
  });
});

describe('grantorBearer', () => {
  const protectedApp = async (options: Parameters<FastifyInstance['grantorBearer']>[0] = {}) => {
    const app = Fastify();
    await app.register(grantorFastify, { server: fakeAuthorizationServer() });
    app.get('/api', { preHandler: app.grantorBearer(options) }, async (request) => ({ subject: request.auth?.subject, scope: request.auth?.scope }));
    return listen(app);
  };

  it('sets request.auth for a valid token and sends RFC 6750 rejections as is', async () => {
    const base = await protectedApp({ requiredScopes: ['read'] });
    const ok = await fetch(`${base}/api`, { headers: { authorization: `Bearer ${fakeBearerToken}` } });
    expect(ok.status).toBe(200);
    expect(await ok.json()).toEqual({ subject: 'alice', scope: ['read', 'write'] });
    const none = await fetch(`${base}/api`);
    expect(none.status).toBe(401);
    expect(none.headers.get('www-authenticate')).toBe('Bearer');
    const bad = await fetch(`${base}/api`, { headers: { authorization: 'Bearer nope' } });
    expect(bad.headers.get('www-authenticate')).toContain('error="invalid_token"');
    const scoped = await protectedApp({ requiredScopes: ['admin'] });
    expect((await fetch(`${scoped}/api`, { headers: { authorization: `Bearer ${fakeBearerToken}` } })).status).toBe(403);
  });

  it('accepts a query token only when allowed', async () => {
    expect((await fetch(`${await protectedApp()}/api?access_token=${fakeBearerToken}`)).status).toBe(401);
    expect((await fetch(`${await protectedApp({ allowQuery: true })}/api?access_token=${fakeBearerToken}`)).status).toBe(200);
  });
});
