/**
 * The repository README's Express embedding example is run exactly as written (the port aside): it must issue a
 * client_credentials token and protect a route with the bearer middleware.
 */
import { mkdirSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { createServer } from 'node:net';
import path from 'node:path';
import { expect, it } from 'vitest';

const freePort = () =>
  new Promise<number>((resolve) => {
    const probe = createServer();
    probe.listen(0, '127.0.0.1', () => {
      const { port } = probe.address() as { port: number };
      probe.close(() => resolve(port));
    });
  });

const fetchWhenUp = async (url: string, init: RequestInit): Promise<Response> => {
  for (let attempt = 0; ; attempt++) {
    try {
      return await fetch(url, init);
    } catch (e) {
      if (attempt > 40) throw e;
      await new Promise((r) => setTimeout(r, 50));
    }
  }
};

it('the root README embedding example issues a token and guards a route', async () => {
  const readme = readFileSync(path.join(import.meta.dirname, '..', '..', '..', 'README.md'), 'utf8');
  const section = readme.slice(readme.indexOf('## Embedding in Express'));
  const code = /```ts\n([\s\S]*?)```/.exec(section)?.[1];
  expect(code).toBeDefined();
  expect((code ?? '').trim().split('\n').filter((l) => l.trim() !== '' && !l.startsWith('import ')).length).toBeLessThanOrEqual(10);
  const port = await freePort();
  const dir = path.join(import.meta.dirname, '..', `.root-readme-example-${port}`);
  mkdirSync(dir, { recursive: true });
  const file = path.join(dir, 'example.ts');
  writeFileSync(file, (code ?? '').replaceAll('3000', String(port)));
  try {
    await import(file);
  } finally {
    rmSync(dir, { recursive: true, force: true });
  }
  const base = `http://127.0.0.1:${port}`;
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
