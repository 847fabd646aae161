/**
 * The repository README's Express embedding example is run exactly as written (the port aside): it must issue a
 * client_credentials token and protect a route with the bearer middleware.
 */
import path from 'node:path';
import { expect, it } from 'vitest';
import { fetchWhenUp, readmeExample, runReadmeExample } from '@grantor/testkit';

it('the root README embedding example issues a token and guards a route', async () => {
  const code = readmeExample(path.join(import.meta.dirname, '..', '..', '..', 'README.md'), '## Embedding in Express');
  expect(code).toBeDefined();
  expect((code ?? '').trim().split('\n').filter((l) => l.trim() !== '' && !l.startsWith('import ')).length).toBeLessThanOrEqual(10);
  const base = await runReadmeExample(code ?? '', path.join(import.meta.dirname, '..'));
  const token = await fetchWhenUp(`${base}/token`, {
    method: 'POST',
    headers: { 'content-type': 'application/x-www-form-urlencoded', authorization: `Basic ${Buffer.from('svc:s3cret-s3cret').toString('base64')}` },
    body: 'grant_type=client_credentials',
  });
  expect(token.status).toBe(200);
  const body = (await token.json()) as { access_token: string; token_type: string; scope: string };
  expect(body).toMatchObject({ token_type: 'Bearer', scope: 'api:read' });
  expect(body).not.toHaveProperty('refresh_token');

  const me = await fetch(`${base}/api/me`, { headers: { authorization: `Bearer ${body.access_token}` } });
  expect(me.status).toBe(200);
  expect(await me.json()).toEqual({ client: 'svc' });

  const anonymous = await fetch(`${base}/api/me`);
  expect(anonymous.status).toBe(401);
  expect(anonymous.headers.get('www-authenticate')).toMatch(/^Bearer/);
});
