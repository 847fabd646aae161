import path from 'node:path';
import { afterAll, beforeAll, expect, it } from 'vitest';
import { exportJWK, generateKeyPair } from 'jose';
import { fetchWhenUp, readmeExample, readmeExampleServesTokenEndpoint, runReadmeExample } from '@grantor/testkit';
import { resources, rsSecret, startRemoteAs, type RemoteAs } from './test/remote-authorization-server.js';

const packageDir = path.join(import.meta.dirname, '..');

readmeExampleServesTokenEndpoint(packageDir);

let as: RemoteAs;
beforeAll(async () => {
  as = await startRemoteAs(await exportJWK((await generateKeyPair('ES256')).publicKey));
});
afterAll(() => as.close());

it('the remote verifier example guards its resource with a real authorization server (only its URL and allowHttp changed)', async () => {
  const code = readmeExample(path.join(packageDir, 'README.md'), '## Remote verifier');
  expect(code).toBeDefined();
  process.env['RS_SECRET'] = rsSecret;
  const base = await runReadmeExample((code ?? '').replaceAll('https://as.example', as.issuer).replace('allowHttp: false', "allowHttp: 'loopback'"), packageDir);
  const call = (token: string) => fetchWhenUp(`${base}/data`, { headers: { authorization: `Bearer ${token}` } });
  const ok = await call(await as.token({ resource: resources.api, scope: 'read' }));
  expect(ok.status).toBe(200);
  expect(await ok.json()).toEqual({ client: 'app', scope: ['read'] });
  expect((await call(await as.token({ resource: resources.other, scope: 'read' }))).status).toBe(401);
  expect((await call(await as.token({ resource: resources.api, scope: 'write' }))).status).toBe(403);
});
