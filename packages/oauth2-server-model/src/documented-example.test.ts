/** The README's example is executed as written, so it cannot rot. */
import { readFileSync, rmSync, writeFileSync } from 'node:fs';
import path from 'node:path';
import { afterAll, expect, it, vi } from 'vitest';

const readme = readFileSync(path.resolve(import.meta.dirname, '../README.md'), 'utf8');
const example = /## Example[\s\S]*?```ts\n([\s\S]*?)```/.exec(readme)?.[1];
const file = path.resolve(import.meta.dirname, `readme-example.${process.pid}.tmp.ts`);

afterAll(() => rmSync(file, { force: true }));

it('runs the README example and prints what it says it prints', async () => {
  expect(example).toBeDefined();
  writeFileSync(file, example ?? '');
  const printed: unknown[][] = [];
  const spy = vi.spyOn(console, 'log').mockImplementation((...values: unknown[]) => void printed.push(values));
  try {
    await import(/* @vite-ignore */ file);
  } finally {
    spy.mockRestore();
  }
  expect(printed).toEqual([[200, 'Bearer', ['read']], ['svc']]);
});
