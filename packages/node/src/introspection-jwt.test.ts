import { createServer, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createAuthorizationServer } from '@grantor/core';
import { verifyJws, type JwkSet } from '@grantor/core/extend';
import { createMemoryStore } from '@grantor/store-memory';
import { createNodeHandler, nodeRuntime, nodeSigner } from './index.js';

let listening: Server;
let base: string;
const basic = `Basic ${Buffer.from('svc:s3cret').toString('base64')}`;

beforeAll(async () => {
  const runtime = nodeRuntime({ logger: { log: () => undefined } });
  const store = createMemoryStore({ clock: runtime.clock });
  await store.clients.save({
    clientId: 'svc',
    secretHashes: [{ hash: runtime.secrets.hash('s3cret') }],
    redirectUris: [],
    postLogoutRedirectUris: [],
    grantTypes: ['client_credentials'],
    responseTypes: [],
    scope: ['read'],
    tokenEndpointAuthMethod: 'client_secret_basic',
  })();
  const server = createAuthorizationServer(
    { issuer: 'http://127.0.0.1/as', scopesSupported: ['read'], grantTypes: ['client_credentials'] },
    { ...runtime, ...store, signer: nodeSigner({ keys: store.keys, clock: runtime.clock, maxTokenLifetime: 3630 }) },
  );
  listening = createServer(createNodeHandler(server, { mountPath: '/as' }));
  await new Promise<void>((resolve) => listening.listen(0, '127.0.0.1', resolve));
  base = `http://127.0.0.1:${(listening.address() as AddressInfo).port}/as`;
});
afterAll(
  () =>
    new Promise<void>((resolve) => {
      listening.close(() => resolve());
      listening.closeAllConnections();
    }),
);

const form = { 'content-type': 'application/x-www-form-urlencoded', authorization: basic };

describe('RFC 9701 introspection JWT through createNodeHandler (nodeSigner)', () => {
  it('answers Accept: application/token-introspection+jwt with a signed JWT, content-type and content-length set', async () => {
    const issued = (await (await fetch(`${base}/token`, { method: 'POST', headers: form, body: 'grant_type=client_credentials&scope=read' })).json()) as { access_token: string };
    const res = await fetch(`${base}/introspect`, { method: 'POST', headers: { ...form, accept: 'application/token-introspection+jwt' }, body: `token=${issued.access_token}` });
    expect(res.status).toBe(200);
    expect(res.headers.get('content-type')).toBe('application/token-introspection+jwt');
    expect(res.headers.get('cache-control')).toBe('no-store');
    const jwt = await res.text();
    expect(res.headers.get('content-length')).toBe(String(Buffer.byteLength(jwt)));
    const jwks = (await (await fetch(`${base}/jwks`)).json()) as JwkSet;
    const verified = await verifyJws(jwt, jwks)();
    if (verified._tag === 'Left') throw new Error(verified.left);
    expect(verified.right.header).toMatchObject({ alg: 'RS256', typ: 'token-introspection+jwt' });
    expect(verified.right.payload).toMatchObject({ iss: 'http://127.0.0.1/as', aud: 'svc', iat: expect.any(Number) });
    expect(verified.right.payload['token_introspection']).toMatchObject({ active: true, client_id: 'svc', scope: 'read' });
  });

  it('plain JSON without that Accept; discovery advertises introspection_signing_alg_values_supported', async () => {
    const res = await fetch(`${base}/introspect`, { method: 'POST', headers: form, body: 'token=nope' });
    expect(res.headers.get('content-type')).toMatch(/^application\/json/);
    expect(await res.json()).toEqual({ active: false });
    const meta = (await (await fetch(`${base}/.well-known/openid-configuration`)).json()) as Record<string, unknown>;
    expect(meta['introspection_signing_alg_values_supported']).toEqual(['RS256']);
  });
});
