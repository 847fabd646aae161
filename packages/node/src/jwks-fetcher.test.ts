import { createServer, type IncomingMessage, type Server, type ServerResponse } from 'node:http';
import type { AddressInfo } from 'node:net';
import { afterAll, beforeAll, beforeEach, describe, expect, it } from 'vitest';
import type { JwksFetcher, StoreError } from '@grantor/core';
import { cacheMaxAge, httpJwksFetcher, parseJwkSet, type HttpJwksFetcherOptions } from './jwks-fetcher.js';

type Handler = (req: IncomingMessage, res: ServerResponse) => void;

const ec = { kty: 'EC', kid: 'k1', crv: 'P-256', x: 'WKn-ZIGevcwGIyyrzFoZNBdaq9_TsqzGl96oc0CWuis', y: 'y77t-RvAHRKTsSGdIYUfweuOvwrvDD-Q3Hv5J0fSKbE' };
const ec2 = { ...ec, kid: 'k2' };

let server: Server;
let base: string;
let hits: Record<string, number> = {};
const routes = new Map<string, Handler>();
const json = (body: unknown, headers: Record<string, string> = {}): Handler => (_req, res) => {
  res.writeHead(200, { 'content-type': 'application/json', ...headers });
  res.end(JSON.stringify(body));
};

beforeAll(async () => {
  server = createServer((req, res) => {
    const path = req.url ?? '/';
    hits[path] = (hits[path] ?? 0) + 1;
    const route = routes.get(path);
    if (route === undefined) {
      res.writeHead(404).end();
      return;
    }
    route(req, res);
  });
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  base = `http://127.0.0.1:${(server.address() as AddressInfo).port}`;
});
afterAll(async () => {
  server.closeAllConnections();
  await new Promise((resolve) => server.close(resolve));
});
beforeEach(() => {
  hits = {};
  routes.clear();
});

/** A fetcher on a hand-driven clock (milliseconds). */
const fetcherAt = (options: HttpJwksFetcherOptions = {}) => {
  let t = 1_800_000_000_000;
  const fetcher = httpJwksFetcher({ allowHttp: 'loopback', now: () => t, ...options });
  return { fetcher, advance: (seconds: number) => void (t += seconds * 1000) };
};
const get = async (fetcher: JwksFetcher, uri: string, refresh = false) => fetcher.fetch(uri, refresh ? { refresh } : {})();
const keysOf = async (fetcher: JwksFetcher, uri: string, refresh = false) => {
  const r = await get(fetcher, uri, refresh);
  if (r._tag === 'Left') throw new Error(`expected keys, got ${r.left.detail}`);
  return r.right.keys;
};
const errorOf = async (fetcher: JwksFetcher, uri: string): Promise<StoreError> => {
  const r = await get(fetcher, uri);
  if (r._tag === 'Right') throw new Error('expected a failure');
  return r.left;
};

describe('httpJwksFetcher: fetching and caching', () => {
  it('returns the public keys of the set, without private members or symmetric keys', async () => {
    routes.set('/jwks', json({ keys: [{ ...ec, d: 'private-part' }, { kty: 'oct', k: 'c2VjcmV0' }, { kty: 'OKP', crv: 'Ed25519', x: 'abc', kid: 'o' }] }));
    const { fetcher } = fetcherAt();
    expect(await keysOf(fetcher, `${base}/jwks`)).toEqual([ec, { kty: 'OKP', crv: 'Ed25519', x: 'abc', kid: 'o' }]);
  });

  it('serves a URI from its cache until max-age (default 300 s), then fetches again', async () => {
    routes.set('/jwks', json({ keys: [ec] }));
    const { fetcher, advance } = fetcherAt();
    await keysOf(fetcher, `${base}/jwks`);
    advance(299);
    await keysOf(fetcher, `${base}/jwks`);
    expect(hits['/jwks']).toBe(1);
    advance(2);
    await keysOf(fetcher, `${base}/jwks`);
    expect(hits['/jwks']).toBe(2);
  });

  it('honours Cache-Control: max-age within [minAgeSeconds, maxAgeSeconds]', async () => {
    routes.set('/short', json({ keys: [ec] }, { 'cache-control': 'public, max-age=60' }));
    routes.set('/long', json({ keys: [ec] }, { 'cache-control': 'max-age=86400' }));
    routes.set('/none', json({ keys: [ec] }, { 'cache-control': 'no-store' }));
    const { fetcher, advance } = fetcherAt();
    for (const p of ['/short', '/long', '/none']) await keysOf(fetcher, `${base}${p}`);
    advance(29);
    for (const p of ['/short', '/long', '/none']) await keysOf(fetcher, `${base}${p}`);
    expect(hits).toEqual({ '/short': 1, '/long': 1, '/none': 1 });
    advance(2); // 31 s: no-store is held for the 30 s floor only
    for (const p of ['/short', '/long', '/none']) await keysOf(fetcher, `${base}${p}`);
    expect(hits).toEqual({ '/short': 1, '/long': 1, '/none': 2 });
    advance(30); // 61 s
    for (const p of ['/short', '/long']) await keysOf(fetcher, `${base}${p}`);
    expect(hits).toMatchObject({ '/short': 2, '/long': 1 });
    advance(240); // 301 s: max-age=86400 is capped at 300
    await keysOf(fetcher, `${base}/long`);
    expect(hits['/long']).toBe(2);
  });

  it('concurrent requests for one URI share one fetch', async () => {
    routes.set('/jwks', (req, res) => setTimeout(() => json({ keys: [ec] })(req, res), 20));
    const { fetcher } = fetcherAt();
    const all = await Promise.all(Array.from({ length: 5 }, () => keysOf(fetcher, `${base}/jwks`)));
    expect(all.every((keys) => keys.length === 1)).toBe(true);
    expect(hits['/jwks']).toBe(1);
  });

  it('refresh (unknown kid) bypasses a fresh cache entry, at most once per cooldown', async () => {
    let keys: unknown[] = [ec];
    routes.set('/jwks', (req, res) => json({ keys })(req, res));
    const { fetcher, advance } = fetcherAt();
    expect(await keysOf(fetcher, `${base}/jwks`)).toEqual([ec]);
    keys = [ec, ec2]; // the client rolls its keys over
    expect(await keysOf(fetcher, `${base}/jwks`, true)).toEqual([ec]); // within 30 s of the fetch: cached
    advance(31);
    expect(await keysOf(fetcher, `${base}/jwks`)).toEqual([ec]); // plain use still comes from the cache
    expect(await keysOf(fetcher, `${base}/jwks`, true)).toEqual([ec, ec2]);
    expect(await keysOf(fetcher, `${base}/jwks`, true)).toEqual([ec, ec2]);
    expect(hits['/jwks']).toBe(2);
  });
});

describe('httpJwksFetcher: failures are StoreError values', () => {
  it('a timeout is a transient StoreError', async () => {
    routes.set('/slow', () => undefined); // never answers
    const { fetcher } = fetcherAt({ timeoutMs: 150 });
    expect(await errorOf(fetcher, `${base}/slow`)).toMatchObject({ _tag: 'StoreError', transient: true, detail: expect.stringMatching(/timed out/) });
  });

  it('a refused connection and a 5xx are transient; a 404 is not', async () => {
    routes.set('/down', (_req, res) => void res.writeHead(503).end());
    const { fetcher } = fetcherAt();
    expect((await errorOf(fetcher, `${base}/down`)).transient).toBe(true);
    expect(await errorOf(fetcher, `${base}/missing`)).toMatchObject({ transient: false, detail: expect.stringMatching(/404/) });
    const closed = await new Promise<number>((resolve) => {
      const s = createServer();
      s.listen(0, '127.0.0.1', () => {
        const port = (s.address() as AddressInfo).port;
        s.close(() => resolve(port));
      });
    });
    expect((await errorOf(fetcher, `http://127.0.0.1:${closed}/jwks`)).transient).toBe(true);
  });

  it('an oversized document is refused, with or without content-length', async () => {
    const big = JSON.stringify({ keys: [ec], pad: 'x'.repeat(70_000) });
    routes.set('/big', (_req, res) => void res.writeHead(200, { 'content-type': 'application/json' }).end(big));
    routes.set('/chunked', (_req, res) => {
      res.writeHead(200, { 'content-type': 'application/json' });
      res.write(big.slice(0, 40_000));
      res.end(big.slice(40_000));
    });
    const { fetcher } = fetcherAt();
    expect(await errorOf(fetcher, `${base}/big`)).toMatchObject({ transient: false, detail: expect.stringMatching(/larger than 65536/) });
    expect(await errorOf(fetcher, `${base}/chunked`)).toMatchObject({ transient: false, detail: expect.stringMatching(/larger than/) });
    expect((await keysOf(fetcherAt({ maxBytes: 100_000 }).fetcher, `${base}/big`)).length).toBe(1);
  });

  it('bad JSON and a document that is not a JWK Set are refused', async () => {
    routes.set('/garbage', (_req, res) => void res.writeHead(200).end('{"keys": [ nope'));
    routes.set('/latin1', (_req, res) => void res.writeHead(200).end(Buffer.from([0x7b, 0xff, 0x7d])));
    routes.set('/shape', json({ keys: [{ kid: 'no kty' }] }));
    routes.set('/array', json([ec]));
    const { fetcher } = fetcherAt();
    expect(await errorOf(fetcher, `${base}/garbage`)).toMatchObject({ transient: false, detail: expect.stringMatching(/not JSON/) });
    expect((await errorOf(fetcher, `${base}/latin1`)).detail).toMatch(/not JSON/);
    expect((await errorOf(fetcher, `${base}/shape`)).detail).toMatch(/not a JWK/);
    expect((await errorOf(fetcher, `${base}/array`)).detail).toMatch(/not a JWK Set/);
    expect(hits['/garbage']).toBe(1);
  });

  it('https only unless allowHttp; "loopback" admits only loopback hosts; no credentials in the URI', async () => {
    routes.set('/jwks', json({ keys: [ec] }));
    expect((await errorOf(httpJwksFetcher(), `${base}/jwks`)).detail).toMatch(/not a public address/);
    expect((await errorOf(httpJwksFetcher(), 'http://jwks.example.test/jwks')).detail).toMatch(/not https/);
    expect(await keysOf(httpJwksFetcher({ allowHttp: 'loopback' }), `${base}/jwks`)).toEqual([ec]);
    expect((await errorOf(httpJwksFetcher({ allowHttp: 'loopback' }), 'http://jwks.example.test/jwks')).detail).toMatch(/not https/);
    expect((await errorOf(httpJwksFetcher(), 'ftp://example.test/jwks')).transient).toBe(false);
    expect((await errorOf(httpJwksFetcher(), 'not a url')).detail).toMatch(/absolute URL/);
    expect((await errorOf(httpJwksFetcher(), 'https://user:pw@example.test/jwks')).detail).toMatch(/credentials/);
    expect(hits['/jwks']).toBe(1);
  });

  it('follows a redirect on the same scheme, never to another scheme', async () => {
    routes.set('/jwks', json({ keys: [ec] }));
    routes.set('/moved', (_req, res) => void res.writeHead(302, { location: '/jwks' }).end());
    routes.set('/to-https', (_req, res) => void res.writeHead(302, { location: `https://127.0.0.1:1/jwks` }).end());
    routes.set('/to-file', (_req, res) => void res.writeHead(302, { location: 'file:///etc/passwd' }).end());
    routes.set('/loop', (_req, res) => void res.writeHead(302, { location: '/loop' }).end());
    const { fetcher } = fetcherAt();
    expect(await keysOf(fetcher, `${base}/moved`)).toEqual([ec]);
    expect((await errorOf(fetcher, `${base}/to-https`)).detail).toMatch(/another scheme/);
    expect((await errorOf(fetcher, `${base}/to-file`)).detail).toMatch(/refused URL/);
    expect((await errorOf(fetcher, `${base}/loop`)).detail).toMatch(/redirects/);
    expect(hits['/loop']).toBe(4);
  });

  it('a failure is not cached: the next use fetches again', async () => {
    let up = false;
    routes.set('/flaky', (req, res) => (up ? json({ keys: [ec] })(req, res) : void res.writeHead(502).end()));
    const { fetcher } = fetcherAt();
    expect((await errorOf(fetcher, `${base}/flaky`)).transient).toBe(true);
    up = true;
    expect(await keysOf(fetcher, `${base}/flaky`)).toEqual([ec]);
  });
});

describe('httpJwksFetcher helpers', () => {
  it('cacheMaxAge reads max-age, treats no-cache/no-store as 0', () => {
    expect(cacheMaxAge(null)).toBeUndefined();
    expect(cacheMaxAge('public, max-age=120')).toBe(120);
    expect(cacheMaxAge('Max-Age="45"')).toBe(45);
    expect(cacheMaxAge('no-cache, max-age=600')).toBe(0);
    expect(cacheMaxAge('private')).toBeUndefined();
  });

  it('parseJwkSet checks the shape and keeps public members only', () => {
    expect(parseJwkSet({ keys: [] })).toEqual({ keys: [] });
    expect(parseJwkSet({ keys: [{ kty: 'RSA', n: 'n', e: 'AQAB', d: 'd', p: 'p', q: 'q', dp: 'a', dq: 'b', qi: 'c', oth: [] }] })).toEqual({ keys: [{ kty: 'RSA', n: 'n', e: 'AQAB' }] });
    expect(typeof parseJwkSet({ keys: 'x' })).toBe('string');
    expect(typeof parseJwkSet(null)).toBe('string');
    expect(typeof parseJwkSet({ keys: [null] })).toBe('string');
  });
});
