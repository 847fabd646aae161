/**
 * The repository README's Express embedding example is run exactly as written (the port aside): it must issue a
 * client_credentials token and protect a route with the bearer middleware.
 */
import path from 'node:path';
import { expect, it } from 'vitest';
import { expectTokenGuardsRoute, readmeExample, runReadmeExample } from '@grantor/testkit';

it('the root README embedding example issues a token and guards a route', async () => {
  const code = readmeExample(path.join(import.meta.dirname, '..', '..', '..', 'README.md'), '## Embedding in Express');
  expect(code).toBeDefined();
  expect((code ?? '').trim().split('\n').filter((l) => l.trim() !== '' && !l.startsWith('import ')).length).toBeLessThanOrEqual(10);
  const base = await runReadmeExample(code ?? '', path.join(import.meta.dirname, '..'));
  await expectTokenGuardsRoute(base);
});
