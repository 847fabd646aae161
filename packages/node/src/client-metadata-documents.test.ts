import { createServer, type IncomingMessage, type Server, type ServerResponse } from 'node:http';
import type { AddressInfo } from 'node:net';
import { afterAll, beforeAll, beforeEach, describe, expect, it } from 'vitest';
import type { ClientMetadataDocumentFetcher } from '@grantor/core';
import { httpClientMetadataDocuments, type HttpClientMetadataDocumentsOptions } from './client-metadata-documents.js';

type Handler = (req: IncomingMessage, res: ServerResponse) => void;
let server: Server;
let base: string;
let hits: Record<string, number> = {};
const routes = new Map<string, Handler>();
const json = (body: unknown, headers: Record<string, string> = {}): Handler => (_req, res) => void res.writeHead(200, { 'content-type': 'application/json', ...headers }).end(JSON.stringify(body));

beforeAll(async () => {
  server = createServer((req, res) => {
    const path = req.url ?? '/';
    hits[path] = (hits[path] ?? 0) + 1;
    const route = routes.get(path);
    if (route === undefined) return void res.writeHead(404).end();
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

const at = (options: HttpClientMetadataDocumentsOptions = {}) => {
  let t = 1_800_000_000_000;
  const documents = httpClientMetadataDocuments({ allowHttp: 'loopback', now: () => t, ...options });
  return { documents, advance: (seconds: number) => void (t += seconds * 1000) };
};
const get = (documents: ClientMetadataDocumentFetcher, url: string) => documents(url)();

describe('httpClientMetadataDocuments', () => {
  it('returns the document and caches it for its max-age (bounded to [60 s, 3600 s])', async () => {
    routes.set('/client', json({ client_id: `${base}/client` }, { 'cache-control': 'max-age=120' }));
    routes.set('/long', json({ client_id: `${base}/long` }, { 'cache-control': 'max-age=999999' }));
    const { documents, advance } = at();
    expect(await get(documents, `${base}/client`)).toEqual({ _tag: 'Right', right: { client_id: `${base}/client` } });
    await get(documents, `${base}/long`);
    advance(119);
    await get(documents, `${base}/client`);
    expect(hits['/client']).toBe(1);
    advance(2);
    await get(documents, `${base}/client`);
    expect(hits['/client']).toBe(2);
    advance(3600);
    await get(documents, `${base}/long`);
    expect(hits['/long']).toBe(2);
  });

  it('refuses redirects, non-objects, oversized documents; 5xx is transient, 404 permanent', async () => {
    routes.set('/moved', (_req, res) => void res.writeHead(302, { location: '/client' }).end());
    routes.set('/array', json([1, 2]));
    routes.set('/big', json({ pad: 'x'.repeat(20_000) }));
    routes.set('/down', (_req, res) => void res.writeHead(503).end());
    const { documents } = at();
    expect(await get(documents, `${base}/moved`)).toMatchObject({ _tag: 'Left', left: { transient: false, detail: expect.stringMatching(/redirects/) } });
    expect(await get(documents, `${base}/array`)).toMatchObject({ _tag: 'Left', left: { detail: expect.stringMatching(/not a JSON object/) } });
    expect(await get(documents, `${base}/big`)).toMatchObject({ _tag: 'Left', left: { detail: expect.stringMatching(/larger than 16384/) } });
    expect(await get(documents, `${base}/down`)).toMatchObject({ _tag: 'Left', left: { transient: true } });
    expect(await get(documents, `${base}/missing`)).toMatchObject({ _tag: 'Left', left: { transient: false, detail: expect.stringMatching(/404/) } });
    expect(hits['/client']).toBeUndefined();
  });

  it('by default only https to public addresses: a loopback document, or a name resolving to one, is never fetched', async () => {
    routes.set('/client', json({}));
    const documents = httpClientMetadataDocuments({ resolve: () => Promise.resolve(['127.0.0.1']) });
    expect(await get(documents, `${base}/client`)).toMatchObject({ _tag: 'Left', left: { transient: false } });
    expect(await get(documents, 'https://app.example.test/client')).toMatchObject({ _tag: 'Left', left: { transient: false, detail: expect.stringMatching(/not a public address/) } });
    expect(hits['/client']).toBeUndefined();
  });
  it('remembers a failure for failureTtlSeconds (default 30): the URL is not fetched again on every request', async () => {
    routes.set('/down', (_req, res) => void res.writeHead(503).end());
    routes.set('/missing-then-there', (_req, res) => void res.writeHead(404).end());
    const { documents, advance } = at();
    for (let i = 0; i < 5; i++) expect(await get(documents, `${base}/down`)).toMatchObject({ _tag: 'Left', left: { transient: true } });
    expect(hits['/down']).toBe(1);
    await get(documents, `${base}/missing-then-there`);
    routes.set('/missing-then-there', json({ client_id: `${base}/missing-then-there` }));
    advance(29);
    expect(await get(documents, `${base}/missing-then-there`)).toMatchObject({ _tag: 'Left' });
    expect(hits['/missing-then-there']).toBe(1);
    advance(2);
    expect(await get(documents, `${base}/missing-then-there`)).toMatchObject({ _tag: 'Right' });
    expect(hits['/missing-then-there']).toBe(2);
    const off = at({ failureTtlSeconds: 0 });
    await get(off.documents, `${base}/down`);
    await get(off.documents, `${base}/down`);
    expect(hits['/down']).toBe(3);
  });

  it('the negative cache is bounded: past maxEntries the least recently used failure is forgotten', async () => {
    for (const n of [1, 2, 3]) routes.set(`/f${n}`, (_req, res) => void res.writeHead(404).end());
    const { documents } = at({ maxEntries: 2 });
    await get(documents, `${base}/f1`);
    await get(documents, `${base}/f2`);
    await get(documents, `${base}/f1`);
    await get(documents, `${base}/f3`);
    await get(documents, `${base}/f1`);
    await get(documents, `${base}/f2`);
    expect([hits['/f1'], hits['/f2'], hits['/f3']]).toEqual([1, 2, 1]);
  });

  it("the operator's host lists are checked before any request: deny wins, an allow list admits only its hosts", async () => {
    routes.set('/client', json({ client_id: `${base}/client` }));
    const denied = at({ deniedHosts: ['127.0.0.1'] });
    expect(await get(denied.documents, `${base}/client`)).toMatchObject({ _tag: 'Left', left: { transient: false, detail: expect.stringMatching(/denied by the operator/) } });
    const elsewhere = at({ allowedHosts: ['*.example.test', 'clients.example.org'] });
    expect(await get(elsewhere.documents, `${base}/client`)).toMatchObject({ _tag: 'Left', left: { detail: expect.stringMatching(/not on the operator's allow list/) } });
    expect(hits['/client']).toBeUndefined();
    const allowed = at({ allowedHosts: ['127.0.0.1'], deniedHosts: ['*.127.0.0.1'] });
    expect(await get(allowed.documents, `${base}/client`)).toMatchObject({ _tag: 'Right' });
    expect(hits['/client']).toBe(1);
    const wildcard = httpClientMetadataDocuments({ allowedHosts: ['*.example.test'], resolve: () => Promise.resolve(['127.0.0.1']) });
    expect(await get(wildcard, 'https://example.test/c')).toMatchObject({ _tag: 'Left', left: { detail: expect.stringMatching(/allow list/) } });
    expect(await get(wildcard, 'https://app.example.test/c')).toMatchObject({ _tag: 'Left', left: { detail: expect.stringMatching(/not a public address/) } });
  });
});
