/**
 * The published packages work for someone outside this repository: packed as `pnpm publish` packs them, installed
 * with plain npm in a scratch app (third-party dependencies from the registry, the database drivers left out), the
 * READMEs' examples run there as written, every package loads with `require()` and `import`, and the examples
 * type-check against the shipped declarations.
 */
import { createRequire } from 'node:module';
import { existsSync, mkdirSync, mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { expectTokenGuardsRoute, freePort, readmeClient, readmeExample } from '@grantor/testkit';
import {
  catalogVersion,
  installScratchApp,
  packAll,
  publishedPackages,
  runIn,
  startExample,
  tarballManifest,
  workspaceRoot,
  type PackedPackage,
} from './scratch-app.js';

const published = publishedPackages();
const examples = [
  { name: 'root-readme-express', readme: path.join(workspaceRoot, 'README.md'), heading: '## Embedding in Express' },
  { name: 'koa-readme', readme: path.join(workspaceRoot, 'packages', 'koa', 'README.md'), heading: undefined },
  { name: 'fastify-readme', readme: path.join(workspaceRoot, 'packages', 'fastify', 'README.md'), heading: undefined },
] as const;
const codeOf = (e: (typeof examples)[number]): string => {
  const code = readmeExample(e.readme, e.heading);
  if (code === undefined) throw new Error(`no ts block in ${e.readme}${e.heading === undefined ? '' : ` under ${e.heading}`}`);
  return code;
};

let packDir = '';
let app = '';
let packed: readonly PackedPackage[] = [];
const timings: Record<string, number> = {};

beforeAll(async () => {
  for (const p of published) {
    expect(existsSync(path.join(p.dir, 'dist', 'index.js')), `${p.name} is built (run \`pnpm build\` first)`).toBe(true);
  }
  let t = Date.now();
  packDir = mkdtempSync(path.join(tmpdir(), 'grantor-tarballs-'));
  packed = await packAll(published, packDir);
  timings['pack'] = Date.now() - t;
  t = Date.now();
  app = await installScratchApp(packed, {
    express: catalogVersion('express'),
    koa: catalogVersion('koa'),
    fastify: catalogVersion('fastify'),
    vitest: catalogVersion('vitest'),
    '@types/node': catalogVersion('@types/node'),
    '@types/express': catalogVersion('@types/express'),
    '@types/koa': catalogVersion('@types/koa'),
  });
  timings['npm install'] = Date.now() - t;
}, 240_000);

afterAll(() => {
  console.log(
    [
      ...packed.map((p) => `${p.name}: ${p.files.length} files, ${(p.bytes / 1024).toFixed(1)} KiB packed`),
      ...Object.entries(timings).map(([k, v]) => `${k}: ${(v / 1000).toFixed(1)} s`),
    ].join('\n'),
  );
  for (const dir of [app, packDir]) if (dir !== '') rmSync(dir, { recursive: true, force: true });
});

describe('the tarballs', () => {
  it('are every published package (all of packages/ but the private dev-config)', () => {
    expect(published.map((p) => p.name).sort()).toEqual(
      ['@grantor/core', '@grantor/express', '@grantor/fastify', '@grantor/koa', '@grantor/node', '@grantor/oauth2-server-model', '@grantor/store-memory', '@grantor/store-sql', '@grantor/testkit'],
    );
  });

  it('name no workspace: or catalog: specifier in their package.json', async () => {
    for (const p of packed) {
      const manifest = await tarballManifest(p.tarball);
      expect(manifest, p.name).not.toMatch(/workspace:|catalog:/);
      const parsed = JSON.parse(manifest) as { dependencies?: Record<string, string>; license?: string };
      expect(parsed.license, p.name).toBe('MIT');
      for (const [dep, range] of Object.entries(parsed.dependencies ?? {})) {
        if (dep.startsWith('@grantor/')) expect(range, `${p.name} → ${dep}`).toBe(String(p.manifest['version']));
      }
    }
  });

  it('ship LICENSE, the build and its declarations, and no test files', () => {
    for (const p of packed) {
      expect(p.files, p.name).toEqual(expect.arrayContaining(['LICENSE', 'package.json', 'dist/index.js', 'dist/index.d.ts']));
      expect(p.files.filter((f) => /\.test\.ts$|(^|\/)test\/|tsbuildinfo/.test(f)), p.name).toEqual([]);
    }
    for (const p of packed) expect(p.files, p.name).toContain('README.md');
  });
});

describe('installed with npm outside the workspace', () => {
  it('pulls in no database driver: pg, mysql2 and better-sqlite3 are optional peers', () => {
    for (const driver of ['better-sqlite3', 'pg', 'mysql2']) expect(existsSync(path.join(app, 'node_modules', driver)), driver).toBe(false);
  });

  it('every package loads with require() and with import, from the installed tarball, with the same exports', async () => {
    const script = path.join(app, 'load-all.cjs');
    writeFileSync(
      script,
      `const names = ${JSON.stringify(published.map((p) => p.name))};
(async () => {
  const out = {};
  for (const name of names) {
    const cjs = require(name);
    const esm = await import(name);
    out[name] = {
      resolved: require.resolve(name),
      cjs: Object.keys(cjs).filter((k) => k !== 'default' && k !== '__esModule').sort(),
      esm: Object.keys(esm).filter((k) => k !== 'default').sort(),
    };
  }
  console.log(JSON.stringify(out));
})().catch((e) => { console.error(e); process.exit(1); });
`,
    );
    const result = await runIn(app, process.execPath, [script]);
    expect(result.stderr).toBe('');
    const loaded = JSON.parse(result.stdout) as Record<string, { resolved: string; cjs: string[]; esm: string[] }>;
    for (const p of published) {
      const entry = loaded[p.name];
      expect(entry?.resolved, p.name).toContain(path.join(app, 'node_modules', ...p.name.split('/')));
      expect(entry?.cjs.length, p.name).toBeGreaterThan(0);
      expect(entry?.cjs, p.name).toEqual(entry?.esm);
    }
  });

  for (const example of examples) {
    it(`${example.name}: the README example runs as written, issues its client a token and guards its route`, async () => {
      const running = await startExample(app, example.name, codeOf(example), await freePort());
      try {
        await expectTokenGuardsRoute(running.base, readmeClient);
      } finally {
        await running.stop();
      }
    });
  }

  it('the README examples type-check against the shipped declarations', async () => {
    const dir = path.join(app, 'typed');
    mkdirSync(dir, { recursive: true });
    for (const e of examples) writeFileSync(path.join(dir, `${e.name}.ts`), codeOf(e));
    writeFileSync(
      path.join(app, 'tsconfig.json'),
      JSON.stringify({ compilerOptions: { target: 'ES2022', module: 'NodeNext', moduleResolution: 'NodeNext', strict: true, noEmit: true, skipLibCheck: true, types: ['node'] }, include: ['typed'] }),
    );
    // The workspace's compiler; every module it resolves comes from the scratch app's node_modules.
    const tsc = path.join(path.dirname(createRequire(import.meta.url).resolve('typescript/package.json')), 'bin', 'tsc');
    const result = await runIn(app, process.execPath, [tsc, '-p', 'tsconfig.json']);
    expect(result.stdout + result.stderr).toBe('');
    expect(result.code).toBe(0);
  });

  it('store-sql without a driver: openSqlStore rejects with GRANTOR_SQL_DRIVER_MISSING naming the package to install', async () => {
    const script = path.join(app, 'missing-driver.mjs');
    writeFileSync(
      script,
      `import { isDriverMissingError, openSqlStore } from '@grantor/store-sql';
const out = [];
for (const target of ['postgres://app:s3cret@127.0.0.1:1/app', 'mysql://root:s3cret@127.0.0.1:1/app', { dataDir: 'data' }]) {
  try {
    await openSqlStore(target);
    out.push('opened');
  } catch (e) {
    out.push({ guard: isDriverMissingError(e), code: e.code, driver: e.driver, message: e.message });
  }
}
console.log(JSON.stringify(out));
`,
    );
    const result = await runIn(app, process.execPath, [script]);
    expect(result.stderr).toBe('');
    const out = JSON.parse(result.stdout) as { guard: boolean; code: string; driver: string; message: string }[];
    expect(out.map((o) => [o.guard, o.code, o.driver])).toEqual([
      [true, 'GRANTOR_SQL_DRIVER_MISSING', 'pg'],
      [true, 'GRANTOR_SQL_DRIVER_MISSING', 'mysql2'],
      [true, 'GRANTOR_SQL_DRIVER_MISSING', 'better-sqlite3'],
    ]);
    expect(out[0]?.message).toContain('postgres://app:***@127.0.0.1:1/app needs the PostgreSQL driver, which is not installed: install the `pg` package (npm i pg)');
    expect(out[1]?.message).toContain('(npm i mysql2)');
    expect(out[2]?.message).toContain('(npm i better-sqlite3)');
    expect(JSON.stringify(out)).not.toContain('s3cret');
  });

  it("store-sql's grantor CLI is installed: it lists the migrations, and migrate names the missing driver", async () => {
    const bin = path.join(app, 'node_modules', '.bin', 'grantor');
    const list = await runIn(app, bin, ['migrations']);
    expect(list.code).toBe(0);
    expect(list.stdout).toMatch(/^0001_/);
    const migrate = await runIn(app, bin, ['migrate', '--url', 'sqlite::memory:']);
    expect(migrate.code).toBe(1);
    expect(migrate.stderr).toContain('npm i better-sqlite3');
  });
});
