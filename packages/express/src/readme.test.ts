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

const retry = async (url: string, init: RequestInit): Promise<Response> => {
  for (let attempt = 0; ; attempt++) {
    try {
      return await fetch(url, init);
    } catch (e) {
      if (attempt > 40) throw e;
      await new Promise((r) => setTimeout(r, 50));
    }
  }
};

it('the README example runs as written and serves the token endpoint', async () => {
  const readme = readFileSync(path.join(import.meta.dirname, '..', 'README.md'), 'utf8');
  const code = /```ts\n([\s\S]*?)```/.exec(readme)?.[1];
  expect(code).toBeDefined();
  const port = await freePort();
  const dir = path.join(import.meta.dirname, '..', `.readme-example-${port}`);
  mkdirSync(dir, { recursive: true });
  const file = path.join(dir, 'example.ts');
  writeFileSync(file, (code ?? '').replaceAll('3000', String(port)));
  try {
    await import(file);
  } finally {
    rmSync(dir, { recursive: true, force: true });
  }
  const res = await retry(`http://127.0.0.1:${port}/token`, {
    method: 'POST',
    headers: { 'content-type': 'application/x-www-form-urlencoded' },
    body: 'grant_type=client_credentials&client_id=nobody&client_secret=x',
  });
  expect(res.status).toBe(401);
  expect(res.headers.get('cache-control')).toBe('no-store');
  expect(await res.json()).toMatchObject({ error: 'invalid_client' });
});
