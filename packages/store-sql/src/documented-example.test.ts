/** The README's example is executed as written (SQLite in memory), so it cannot rot. */
import path from 'node:path';
import { expect, it, vi } from 'vitest';
import { importReadmeExample, readmeExample } from '@grantor/testkit';

const packageDir = path.join(import.meta.dirname, '..');

it('runs the README example and prints what it says it prints', async () => {
  const code = readmeExample(path.join(packageDir, 'README.md'), '## Example');
  expect(code).toContain("openSqlStore('sqlite::memory:')");
  const printed: unknown[] = [];
  const spy = vi.spyOn(console, 'log').mockImplementation((value: unknown) => void printed.push(value));
  try {
    await importReadmeExample(code ?? '', packageDir);
  } finally {
    spy.mockRestore();
  }
  expect(printed).toEqual([true, false, 1]);
});
