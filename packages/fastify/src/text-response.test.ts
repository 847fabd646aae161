import Fastify from 'fastify';
import { afterAll, describe, expect, it } from 'vitest';
import { text } from '@grantor/core/extend';
import { sendHttpResponse } from './index.js';

const app = Fastify();
afterAll(() => app.close());

describe('sendHttpResponse: a core Text response', () => {
  it('is written with its own content type and body (RFC 9701 token-introspection+jwt)', async () => {
    app.get('/t', (_req, reply) => sendHttpResponse(reply, text(200, 'a.b.c', 'application/token-introspection+jwt')));
    const res = await app.inject({ method: 'GET', url: '/t' });
    expect(res.statusCode).toBe(200);
    expect(res.headers['content-type']).toBe('application/token-introspection+jwt');
    expect(res.headers['cache-control']).toBe('no-store');
    expect(res.body).toBe('a.b.c');
  });
});
