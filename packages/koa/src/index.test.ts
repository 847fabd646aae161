import type { Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import Koa, { type Middleware } from 'koa';
import { afterEach, describe, expect, it } from 'vitest';
import { fakeAuthorizationServer, fakeBearerToken, type EchoBody } from '@grantor/testkit';
import { bearer, grantorMiddleware } from './index.js';

let open: Server[] = [];
afterEach(async () => {
  await Promise.all(open.map((s) => new Promise<void>((resolve) => s.close(() => resolve()))));
  open = [];
});

const listen = async (app: Koa): Promise<string> => {
  const server = await new Promise<Server>((resolve) => {
    const s = app.listen(0, '127.0.0.1', () => resolve(s));
  });
  open.push(server);
  return `http://127.0.0.1:${(server.address() as AddressInfo).port}`;
};

const echoOf = async (res: Response): Promise<EchoBody & { text: string }> => {
  const e = (await res.json()) as EchoBody;
  return { ...e, text: Buffer.from(e.body ?? '', 'base64').toString('utf8') };
};

const form = { 'content-type': 'application/x-www-form-urlencoded' };

/** A stand-in for koa-bodyparser: consumes the stream, leaves `rawBody` (string) and `body` (parsed). */
const fakeBodyParser = (keepRaw: boolean): Middleware => async (ctx, next) => {
  const chunks: Buffer[] = [];
  for await (const c of ctx.req) chunks.push(c as Buffer);
  const text = Buffer.concat(chunks).toString('utf8');
  const request = ctx.request as { body?: unknown; rawBody?: string };
  const parsed: Record<string, string | string[]> = {};
  for (const [k, v] of new URLSearchParams(text)) {
    const prev = parsed[k];
    parsed[k] = prev === undefined ? v : Array.isArray(prev) ? [...prev, v] : [prev, v];
  }
  request.body = parsed;
  if (keepRaw) request.rawBody = text;
  await next();
};

describe('grantorMiddleware', () => {
  it('serves the routes the server claims under the mount path and passes the rest on', async () => {
    const app = new Koa();
    app.use(grantorMiddleware(fakeAuthorizationServer('http://127.0.0.1/oauth')));
    app.use(async (ctx) => {
      ctx.body = `host ${ctx.path}`;
    });
    const base = await listen(app);
    const e = await echoOf(await fetch(`${base}/oauth/echo?q=1`, { method: 'POST', headers: form, body: 'a=b' }));
    expect(e).toMatchObject({ path: '/echo', query: 'q=1', text: 'a=b' });
    expect(await (await fetch(`${base}/oauth/mine`)).text()).toBe('host /oauth/mine');
    expect(await (await fetch(`${base}/hello`)).text()).toBe('host /hello');
  });

  it('writes every response kind like the Node layer does', async () => {
    const app = new Koa();
    app.use(grantorMiddleware(fakeAuthorizationServer()));
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
    const j = await fetch(`${base}/token`, { method: 'GET' });
    expect(j.status).toBe(405);
    expect(j.headers.get('allow')).toBe('POST');
    expect(j.headers.get('content-type')).toBe('application/json; charset=utf-8');
    const bad = await fetch(`${base}/bad-header`);
    expect(bad.status).toBe(500);
    expect(await bad.json()).toMatchObject({ error: 'server_error' });
    const thrown = await fetch(`${base}/throws`);
    expect(thrown.status).toBe(500);
  });

  it('rebuilds the body when a body parser consumed it first (rawBody, else the parsed value)', async () => {
    for (const keepRaw of [true, false]) {
      const app = new Koa();
      app.use(fakeBodyParser(keepRaw));
      app.use(grantorMiddleware(fakeAuthorizationServer()));
      const base = await listen(app);
      const e = await echoOf(await fetch(`${base}/echo`, { method: 'POST', headers: form, body: 'a=1&a=2&b=x+y' }));
      expect(new URLSearchParams(e.text).getAll('a')).toEqual(['1', '2']);
      expect(new URLSearchParams(e.text).get('b')).toBe('x y');
    }
  });

  it('answers an oversized body with 413 and bad percent-encoding with 400', async () => {
    const app = new Koa();
    app.use(grantorMiddleware(fakeAuthorizationServer('http://127.0.0.1/oauth'), { bodyLimit: 100 }));
    const base = await listen(app);
    const big = await fetch(`${base}/oauth/echo`, { method: 'POST', headers: form, body: 'x='.padEnd(200, 'y') });
    expect(big.status).toBe(413);
    expect(await big.json()).toMatchObject({ error: 'invalid_request' });
    const bad = await fetch(`${base}/oauth/%E0%A4%A`);
    expect(bad.status).toBe(400);
  });
});

describe('bearer', () => {
  const protectedApp = async (options: Parameters<typeof bearer>[1] = {}) => {
    const server = fakeAuthorizationServer();
    const app = new Koa();
    const guard = bearer(server, options);
    app.use(async (ctx, next) => {
      if (ctx.path !== '/api') return next();
      await guard(ctx, async () => {
        ctx.body = { subject: ctx.state.auth?.subject, scope: ctx.state.auth?.scope };
      });
    });
    return listen(app);
  };

  it('sets ctx.state.auth for a valid token, sends RFC 6750 rejections as is', async () => {
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
