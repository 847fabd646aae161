import { createServer, type IncomingMessage, type Server, type ServerResponse } from 'node:http';
import type { AddressInfo } from 'node:net';
import { afterAll, beforeAll, beforeEach, describe, expect, it } from 'vitest';
import { addressAllowed, outboundFetcher, type HostResolver, type OutboundResult } from './outbound-fetch.js';
import { httpJwksFetcher } from './jwks-fetcher.js';

type Handler = (req: IncomingMessage, res: ServerResponse) => void;

let server: Server;
let port: number;
let hits: Record<string, number> = {};
const routes = new Map<string, Handler>();

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
  port = (server.address() as AddressInfo).port;
});
afterAll(async () => {
  server.closeAllConnections();
  await new Promise((resolve) => server.close(resolve));
});
beforeEach(() => {
  hits = {};
  routes.clear();
  routes.set('/doc', (_req, res) => void res.writeHead(200, { 'content-type': 'application/json' }).end('{"ok":true}'));
});

/** A resolver from a fixed table, counting the names it was asked for. */
const resolverOf = (table: Readonly<Record<string, readonly string[]>>) => {
  const asked: string[] = [];
  const resolve: HostResolver = (hostname) => {
    asked.push(hostname);
    const addresses = table[hostname];
    return addresses === undefined ? Promise.reject(new Error(`no such host ${hostname}`)) : Promise.resolve(addresses);
  };
  return { resolve, asked };
};

const failure = (r: OutboundResult) => {
  if (r._tag === 'Right') throw new Error(`expected a failure, got ${r.right.status}`);
  return r.left;
};
const text = (r: OutboundResult) => {
  if (r._tag === 'Left') throw new Error(`expected a response, got ${r.left.detail}`);
  return new TextDecoder().decode(r.right.body);
};

describe('addressAllowed (ipaddr.js ranges)', () => {
  it.each([
    ['127.0.0.1', 'loopback'],
    ['127.255.0.9', 'loopback'],
    ['::1', 'loopback'],
    ['10.1.2.3', 'private'],
    ['172.16.0.1', 'private'],
    ['192.168.1.1', 'private'],
    ['169.254.169.254', 'link-local (cloud metadata)'],
    ['fe80::1', 'link-local'],
    ['fd00:ec2::254', 'unique-local (AWS IPv6 metadata)'],
    ['100.64.0.1', 'CGNAT'],
    ['0.0.0.0', 'unspecified'],
    ['::', 'unspecified'],
    ['224.0.0.1', 'multicast'],
    ['ff02::1', 'multicast'],
    ['255.255.255.255', 'broadcast'],
    ['192.0.2.1', 'documentation (reserved)'],
    ['240.0.0.1', 'reserved'],
    ['::ffff:127.0.0.1', 'IPv4-mapped loopback'],
    ['::ffff:169.254.169.254', 'IPv4-mapped link-local'],
    ['::ffff:10.0.0.1', 'IPv4-mapped private'],
    ['64:ff9b::a00:1', 'NAT64 (embeds 10.0.0.1)'],
    ['2002:a00:1::', '6to4 (embeds 10.0.0.1)'],
    ['not an address', 'not an address'],
  ])('refuses %s (%s)', (address) => {
    expect(addressAllowed(address)).toBe(false);
  });

  it('admits public unicast addresses, loopback only with public+loopback, everything with any', () => {
    for (const a of ['93.184.215.14', '8.8.8.8', '2606:4700:4700::1111', '::ffff:8.8.8.8']) expect(addressAllowed(a)).toBe(true);
    expect(addressAllowed('127.0.0.1', 'public+loopback')).toBe(true);
    expect(addressAllowed('::1', 'public+loopback')).toBe(true);
    expect(addressAllowed('10.0.0.1', 'public+loopback')).toBe(false);
    expect(addressAllowed('169.254.169.254', 'public+loopback')).toBe(false);
    expect(addressAllowed('169.254.169.254', 'any')).toBe(true);
  });
});

describe('outboundFetcher: addresses are checked after resolution, and the checked address is the one connected to', () => {
  it('a public-looking host name that resolves to 127.0.0.1 is refused before any request is sent', async () => {
    const { resolve, asked } = resolverOf({ 'jwks.example.test': ['127.0.0.1'] });
    const fetch = outboundFetcher({ allowHttp: true, resolve });
    const f = failure(await fetch(`http://jwks.example.test:${port}/doc`));
    expect(f).toMatchObject({ reason: 'refused', transient: false });
    expect(f.detail).toMatch(/127\.0\.0\.1.*not a public address/);
    expect(asked).toEqual(['jwks.example.test']);
    expect(hits['/doc']).toBeUndefined();
  });

  it('the same name is fetched when private addresses are allowed: the connection goes to the resolved address', async () => {
    const { resolve } = resolverOf({ 'jwks.example.test': ['127.0.0.1'] });
    const fetch = outboundFetcher({ allowHttp: true, allowPrivateAddresses: true, resolve });
    expect(text(await fetch(`http://jwks.example.test:${port}/doc`))).toBe('{"ok":true}');
    expect(hits['/doc']).toBe(1);
  });

  it('a name with one public and one private address is refused (every address must pass)', async () => {
    const { resolve } = resolverOf({ 'mixed.example.test': ['93.184.215.14', '10.0.0.7'] });
    const f = failure(await outboundFetcher({ allowHttp: true, resolve })(`http://mixed.example.test:${port}/doc`));
    expect(f.reason).toBe('refused');
    expect(f.detail).toMatch(/10\.0\.0\.7/);
  });

  it('IP literals are checked without resolution: loopback, link-local and IPv4-mapped forms are refused', async () => {
    const { resolve, asked } = resolverOf({});
    const fetch = outboundFetcher({ allowHttp: true, resolve });
    for (const url of [
      `http://127.0.0.1:${port}/doc`,
      'http://169.254.169.254/latest/meta-data/',
      `http://[::ffff:127.0.0.1]:${port}/doc`,
      'http://[fe80::1]/',
      'http://0x7f.1/', // WHATWG URL reads this as 127.0.0.1
      'https://10.0.0.1/',
    ]) {
      expect(failure(await fetch(url))).toMatchObject({ reason: 'refused', detail: expect.stringMatching(/not a public address/) });
    }
    expect(asked).toEqual([]);
    expect(hits['/doc']).toBeUndefined();
  });

  it('a redirect to 169.254.169.254 (or to a name resolving there) is refused and never followed', async () => {
    routes.set('/to-metadata', (_req, res) => void res.writeHead(302, { location: 'http://169.254.169.254/latest/meta-data/iam/' }).end());
    routes.set('/to-name', (_req, res) => void res.writeHead(307, { location: `http://localhost:${port}/doc` }).end());
    // a hostile resolver: the redirect's host name now points at the metadata service
    const { resolve, asked } = resolverOf({ localhost: ['169.254.169.254'] });
    const fetch = outboundFetcher({ allowHttp: 'loopback', resolve });
    const literal = failure(await fetch(`http://127.0.0.1:${port}/to-metadata`));
    expect(literal).toMatchObject({ reason: 'refused', detail: expect.stringMatching(/redirects to a refused URL.*169\.254\.169\.254 is not a public address/) });
    const named = failure(await fetch(`http://127.0.0.1:${port}/to-name`));
    expect(named).toMatchObject({ reason: 'refused', detail: expect.stringMatching(/localhost resolves to 169\.254\.169\.254/) });
    expect(asked).toEqual(['localhost']);
    expect(hits).toEqual({ '/to-metadata': 1, '/to-name': 1 });
  });

  it("allowHttp 'loopback' reaches loopback only: a name resolving to a private address is still refused", async () => {
    const { resolve } = resolverOf({ localhost: ['127.0.0.1'], 'intranet.example.test': ['192.168.0.10'] });
    const fetch = outboundFetcher({ allowHttp: 'loopback', resolve });
    expect(text(await fetch(`http://localhost:${port}/doc`))).toBe('{"ok":true}');
    expect(failure(await fetch('https://intranet.example.test/doc'))).toMatchObject({ reason: 'refused' });
    expect(failure(await fetch(`http://intranet.example.test:${port}/doc`)).detail).toMatch(/not https/);
  });

  it('by default (https only, public addresses only) a loopback server cannot be reached at all', async () => {
    const fetch = outboundFetcher();
    expect(failure(await fetch('http://app.example.test/doc')).detail).toMatch(/not https/);
    expect(failure(await fetch(`http://127.0.0.1:${port}/doc`)).detail).toMatch(/not a public address/);
    expect(failure(await fetch(`https://127.0.0.1:${port}/doc`)).detail).toMatch(/not a public address/);
    expect(failure(await fetch(`https://localhost:${port}/doc`)).reason).toBe('refused'); // the system resolver's answer is checked
    expect(hits['/doc']).toBeUndefined();
  });

  it('maxRedirects 0 refuses every redirect; a resolver failure is a transient network failure', async () => {
    routes.set('/moved', (_req, res) => void res.writeHead(301, { location: '/doc' }).end());
    const { resolve } = resolverOf({ localhost: ['127.0.0.1'] });
    expect(failure(await outboundFetcher({ allowHttp: 'loopback', maxRedirects: 0, resolve })(`http://localhost:${port}/moved`)).reason).toBe('redirects');
    expect(failure(await outboundFetcher({ allowHttp: true, resolve })('http://unknown.example.test/doc'))).toMatchObject({ reason: 'network', transient: true });
  });

  it('a POST sends its body and headers (content-length set) and never follows a redirect', async () => {
    routes.set('/echo', (req, res) => {
      const chunks: Buffer[] = [];
      req.on('data', (c: Buffer) => chunks.push(c));
      req.on('end', () => void res.writeHead(200).end(JSON.stringify({ method: req.method, type: req.headers['content-type'], length: req.headers['content-length'], body: Buffer.concat(chunks).toString() })));
    });
    routes.set('/post-moved', (_req, res) => void res.writeHead(307, { location: '/echo' }).end());
    const fetch = outboundFetcher({ allowHttp: 'loopback' });
    const init = { method: 'POST', headers: { 'content-type': 'application/x-www-form-urlencoded' }, body: 'token=ä' } as const;
    expect(JSON.parse(text(await fetch(`http://127.0.0.1:${port}/echo`, init)))).toEqual({ method: 'POST', type: 'application/x-www-form-urlencoded', length: '8', body: 'token=ä' });
    expect(failure(await fetch(`http://127.0.0.1:${port}/post-moved`, init)).reason).toBe('redirects');
    expect(hits).toEqual({ '/echo': 1, '/post-moved': 1 });
  });
});

describe('httpJwksFetcher uses the outbound checks', () => {
  it('a jwks_uri redirecting to 169.254.169.254 is a permanent StoreError, and the redirect is not followed', async () => {
    routes.set('/jwks', (_req, res) => void res.writeHead(302, { location: 'http://169.254.169.254/latest/meta-data/' }).end());
    const r = await httpJwksFetcher({ allowHttp: 'loopback' }).fetch(`http://127.0.0.1:${port}/jwks`)();
    expect(r).toMatchObject({ _tag: 'Left', left: { _tag: 'StoreError', transient: false, detail: expect.stringMatching(/169\.254\.169\.254 is not a public address/) } });
  });

  it('a jwks_uri host resolving to a private address is refused unless allowPrivateAddresses', async () => {
    routes.set('/jwks', (_req, res) => void res.writeHead(200, { 'content-type': 'application/json' }).end('{"keys":[]}'));
    const { resolve } = resolverOf({ 'keys.example.test': ['127.0.0.1'] });
    const refused = await httpJwksFetcher({ allowHttp: true, resolve }).fetch(`http://keys.example.test:${port}/jwks`)();
    expect(refused).toMatchObject({ _tag: 'Left', left: { transient: false } });
    expect(hits['/jwks']).toBeUndefined();
    const allowed = await httpJwksFetcher({ allowHttp: true, allowPrivateAddresses: true, resolve }).fetch(`http://keys.example.test:${port}/jwks`)();
    expect(allowed).toEqual({ _tag: 'Right', right: { keys: [] } });
  });
});
