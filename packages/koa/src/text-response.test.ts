import type { Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import Koa from 'koa';
import { afterAll, describe, expect, it } from 'vitest';
import { text } from '@grantor/core/extend';
import { respond } from './index.js';

let server: Server | undefined;
afterAll(() => new Promise<void>((resolve) => (server === undefined ? resolve() : server.close(() => resolve()))));

describe('respond: a core Text response', () => {
  it('is written with its own content type and body (RFC 9701 token-introspection+jwt)', async () => {
    const app = new Koa();
    app.use((ctx) => respond(ctx, text(200, 'a.b.c', 'application/token-introspection+jwt')));
    server = app.listen(0, '127.0.0.1');
    await new Promise<void>((resolve) => server?.once('listening', () => resolve()));
    const res = await fetch(`http://127.0.0.1:${(server.address() as AddressInfo).port}/`);
    expect(res.status).toBe(200);
    expect(res.headers.get('content-type')).toBe('application/token-introspection+jwt');
    expect(res.headers.get('cache-control')).toBe('no-store');
    expect(await res.text()).toBe('a.b.c');
  });
});
