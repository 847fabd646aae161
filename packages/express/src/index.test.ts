import type { Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import express, { type Express } from 'express';
import { afterEach, describe, expect, it } from 'vitest';
import { fakeAuthorizationServer, fakeBearerToken, type EchoBody } from '@grantor/testkit';
import { bearer, encodeForm, grantorRouter } from './index.js';

let open: Server[] = [];
afterEach(async () => {
  await Promise.all(open.map((s) => new Promise<void>((resolve) => s.close(() => resolve()))));
  open = [];
});

const listen = async (app: Express): Promise<string> => {
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

describe('grantorRouter', () => {
  it('serves the routes the server claims under the mount path and passes the rest on', async () => {
    const app = express();
    app.use(grantorRouter(fakeAuthorizationServer('http://127.0.0.1/oauth')));
    app.get('/oauth/mine', (_req, res) => res.send('host'));
    app.get('/hello', (_req, res) => res.send('hi'));
    const base = await listen(app);
    const e = await echoOf(await fetch(`${base}/oauth/echo?q=1`, { method: 'POST', headers: form, body: 'a=b' }));
    expect(e).toMatchObject({ path: '/echo', query: 'q=1', text: 'a=b' });
    expect(await (await fetch(`${base}/oauth/mine`)).text()).toBe('host');
    expect(await (await fetch(`${base}/hello`)).text()).toBe('hi');
  });

  it('works mounted on a sub-path with app.use(path, …) too', async () => {
    const app = express();
    app.use('/oauth', grantorRouter(fakeAuthorizationServer('http://127.0.0.1/oauth')));
    const base = await listen(app);
    expect((await fetch(`${base}/oauth/.well-known/openid-configuration`)).status).toBe(200);
  });

  it('leaves 405 with Allow to the core', async () => {
    const app = express();
    app.use(grantorRouter(fakeAuthorizationServer()));
    const base = await listen(app);
    const res = await fetch(`${base}/token`, { method: 'DELETE' });
    expect(res.status).toBe(405);
    expect(res.headers.get('allow')).toBe('POST');
  });

  it('reads the raw body even when body parsers are registered after it', async () => {
    const app = express();
    app.use(grantorRouter(fakeAuthorizationServer()));
    app.use(express.urlencoded({ extended: false }), express.json());
    const base = await listen(app);
    const e = await echoOf(await fetch(`${base}/echo`, { method: 'POST', headers: form, body: 'a=1&a=2&b=%E2%82%AC' }));
    expect(e.text).toBe('a=1&a=2&b=%E2%82%AC');
  });

  it('rebuilds the body faithfully when urlencoded() consumed it first (repeated parameters survive)', async () => {
    for (const extended of [false, true]) {
      const app = express();
      app.use(express.urlencoded({ extended }));
      app.use(grantorRouter(fakeAuthorizationServer()));
      const base = await listen(app);
      const e = await echoOf(await fetch(`${base}/echo`, { method: 'POST', headers: form, body: 'grant_type=x&scope=a+b&a=1&a=2' }));
      expect(new URLSearchParams(e.text).getAll('a')).toEqual(['1', '2']);
      expect(new URLSearchParams(e.text).get('scope')).toBe('a b');
      expect(new URLSearchParams(e.text).get('grant_type')).toBe('x');
    }
  });

  it('rebuilds a JSON body when json() consumed it first, so the core still sees JSON', async () => {
    const app = express();
    app.use(express.json());
    app.use(grantorRouter(fakeAuthorizationServer()));
    const base = await listen(app);
    const e = await echoOf(await fetch(`${base}/echo`, { method: 'POST', headers: { 'content-type': 'application/json' }, body: '{"grant_type":"client_credentials"}' }));
    expect(JSON.parse(e.text)).toEqual({ grant_type: 'client_credentials' });
    expect(e.headers['content-type']).toBe('application/json');
  });

  it('answers an oversized body with 413 RFC JSON', async () => {
    const app = express();
    app.use(grantorRouter(fakeAuthorizationServer(), { bodyLimit: 100 }));
    const base = await listen(app);
    const res = await fetch(`${base}/echo`, { method: 'POST', headers: form, body: 'x='.padEnd(200, 'y') });
    expect(res.status).toBe(413);
    expect(await res.json()).toMatchObject({ error: 'invalid_request', error_description: expect.any(String) });
  });

  it('answers invalid percent-encoding under the mount path with 400', async () => {
    const app = express();
    app.use(grantorRouter(fakeAuthorizationServer('http://127.0.0.1/oauth')));
    const base = await listen(app);
    const res = await fetch(`${base}/oauth/%E0%A4%A`);
    expect(res.status).toBe(400);
    expect(await res.json()).toMatchObject({ error: 'invalid_request' });
  });
});

describe('bearer', () => {
  const protectedApp = async (options: Parameters<typeof bearer>[1] = {}, before?: express.RequestHandler) => {
    const server = fakeAuthorizationServer();
    const app = express();
    if (before !== undefined) app.use(before);
    app.all('/api', bearer(server, options), (req, res) => {
      res.json({ subject: req.auth?.subject, scope: req.auth?.scope });
    });
    return listen(app);
  };

  it('sets req.auth for a valid token', async () => {
    const base = await protectedApp({ requiredScopes: ['read'] });
    const res = await fetch(`${base}/api`, { headers: { authorization: `Bearer ${fakeBearerToken}` } });
    expect(res.status).toBe(200);
    expect(await res.json()).toEqual({ subject: 'alice', scope: ['read', 'write'] });
  });

  it("sends the core's RFC 6750 rejection as is", async () => {
    const base = await protectedApp({ requiredScopes: ['admin'], realm: 'api' });
    const none = await fetch(`${base}/api`);
    expect(none.status).toBe(401);
    expect(none.headers.get('www-authenticate')).toBe('Bearer realm="api"');
    const bad = await fetch(`${base}/api`, { headers: { authorization: 'Bearer nope' } });
    expect(bad.status).toBe(401);
    expect(bad.headers.get('www-authenticate')).toContain('error="invalid_token"');
    const scope = await fetch(`${base}/api`, { headers: { authorization: `Bearer ${fakeBearerToken}` } });
    expect(scope.status).toBe(403);
  });

  it('accepts a query token only when allowed', async () => {
    expect((await fetch(`${await protectedApp()}/api?access_token=${fakeBearerToken}`)).status).toBe(401);
    expect((await fetch(`${await protectedApp({ allowQuery: true })}/api?access_token=${fakeBearerToken}`)).status).toBe(200);
  });

  it('sees a form-body token when urlencoded() ran before it, and is bound to the router', async () => {
    const base = await protectedApp({}, express.urlencoded({ extended: false }));
    const res = await fetch(`${base}/api`, { method: 'POST', headers: form, body: `access_token=${fakeBearerToken}` });
    expect(res.status).toBe(200);
    expect(typeof grantorRouter(fakeAuthorizationServer()).bearer({})).toBe('function');
  });
});

describe('encodeForm', () => {
  it('repeats array values and brackets nested objects', () => {
    expect(encodeForm({ a: ['1', '2'], b: { c: 'd' }, e: 'f g' })).toBe('a=1&a=2&b%5Bc%5D=d&e=f+g');
  });
});
