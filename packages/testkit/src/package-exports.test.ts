/**
 * Grantor ships ESM only (jose 6, its one crypto dependency, is ESM only too). CommonJS consumers load it with
 * `require()`, which Node ≥ 20.19 supports for ES modules without top-level await. This test holds every published
 * package to that promise against the built `dist/` output, in fresh Node processes.
 */
import { execFileSync } from 'node:child_process';
import { readdirSync, readFileSync, existsSync } from 'node:fs';
import path from 'node:path';
import { describe, expect, it } from 'vitest';

const packagesDir = path.resolve(import.meta.dirname, '../..');
const published = readdirSync(packagesDir)
  .map((dir) => path.join(packagesDir, dir, 'package.json'))
  .filter((file) => existsSync(file))
  .map((file) => ({ dir: path.dirname(file), manifest: JSON.parse(readFileSync(file, 'utf8')) as { name: string; private?: boolean; exports?: unknown } }))
  .filter((p) => p.manifest.private !== true && p.manifest.exports !== undefined);

const run = (cwd: string, args: string[]) => execFileSync(process.execPath, args, { cwd, encoding: 'utf8', stdio: ['ignore', 'pipe', 'pipe'] });

describe('published packages load from CommonJS and ESM', () => {
  it('finds the published packages', () => {
    expect(published.map((p) => p.manifest.name)).toContain('@grantor/core');
  });

  for (const { dir, manifest } of published) {
    it(`${manifest.name}: require() and import() expose the same named exports`, () => {
      const script = `
        const cjs = require(${JSON.stringify(manifest.name)});
        import(${JSON.stringify(manifest.name)}).then((esm) => {
          const a = Object.keys(cjs).filter((k) => k !== 'default' && k !== '__esModule').sort();
          const b = Object.keys(esm).filter((k) => k !== 'default').sort();
          console.log(JSON.stringify({ a, b }));
        });`;
      const out = JSON.parse(run(dir, ['-e', script])) as { a: string[]; b: string[] };
      expect(out.a.length).toBeGreaterThan(0);
      expect(out.a).toEqual(out.b);
    });
  }
});
