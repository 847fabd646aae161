/**
 * `@grantor/core`'s README example is run as written: it issues a client_credentials token through `server.handle`
 * and checks it with `server.bearer`, asserting both itself (node:assert), so any drift of the API fails here.
 */
import { mkdirSync, rmSync, writeFileSync } from 'node:fs';
import path from 'node:path';
import { expect, it } from 'vitest';
import { readmeExample } from '@grantor/testkit';

it('the core README example issues a token and the bearer check accepts it', async () => {
  const code = readmeExample(path.join(import.meta.dirname, '..', '..', 'core', 'README.md'), '## Example');
  expect(code).toContain('createAuthorizationServer');
  const dir = path.join(import.meta.dirname, '..', '.core-readme-example');
  mkdirSync(dir, { recursive: true });
  const file = path.join(dir, 'example.ts');
  writeFileSync(file, code ?? '');
  try {
    await expect(import(file)).resolves.toBeDefined();
  } finally {
    rmSync(dir, { recursive: true, force: true });
  }
});
