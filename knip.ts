// Dead-code check (knip): unused files, exports and dependencies across the workspace; `pnpm lint` runs it.
// Entry points: each published package's `exports` (mapped from dist/*.js back to src/*.ts), its test files, and the
// apps' scripts. An export only its own module uses, or nobody, is reported; the entry files' exports are the API.
import { existsSync, readFileSync, readdirSync } from 'node:fs';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import type { KnipConfig } from 'knip';

const root = path.dirname(fileURLToPath(import.meta.url));
const tests = 'src/**/*.test.ts';

/** Every `./dist/….js` target in a package.json `exports` value, as the `src/….ts` it is built from. */
const sourcesOf = (exportsField: unknown): string[] => {
  if (typeof exportsField === 'string') {
    const m = /^\.\/dist\/(.+)\.js$/.exec(exportsField);
    return m === null ? [] : [`src/${m[1]}.ts!`];
  }
  if (exportsField === null || typeof exportsField !== 'object') return [];
  return [...new Set(Object.values(exportsField).flatMap(sourcesOf))];
};

const packages: NonNullable<KnipConfig['workspaces']> = {};
for (const name of readdirSync(path.join(root, 'packages'))) {
  const manifestFile = path.join(root, 'packages', name, 'package.json');
  if (!existsSync(manifestFile)) continue;
  const entries = sourcesOf((JSON.parse(readFileSync(manifestFile, 'utf8')) as { exports?: unknown }).exports);
  if (entries.length === 0) continue; // e.g. dev-config, whose exports are its own .js files
  packages[`packages/${name}`] = { entry: [...entries, tests], project: ['src/**/*.ts!'] };
}
// store-sql's `grantor` command: bin/grantor.js imports the built dist/cli.js
packages['packages/store-sql'] = { ...packages['packages/store-sql'], entry: [...(packages['packages/store-sql']?.entry ?? []), 'src/cli.ts!'] };

const config: KnipConfig = {
  // a Linux command the benchmark pins its servers with, not a package
  ignoreBinaries: ['taskset'],
  workspaces: {
    // `pnpm test:abuse` runs scripts/abuse.mjs against the built reference server
    '.': { entry: ['scripts/*.mjs'] },
    ...packages,
    'packages/dev-config': { project: ['*.js!'] },
    // the pack test packs the workspace packages (built first through these devDependencies) and installs the tarballs
    'apps/pack-test': { entry: [tests], project: ['src/**/*.ts!'], ignoreDependencies: ['@grantor/.+'] },
    // the drop-in test runs an unchanged oauth2-server app (src/test/legacy-app/app.mjs) before changing its import
    'packages/oauth2-server-model': { ...packages['packages/oauth2-server-model'], entry: [...(packages['packages/oauth2-server-model']?.entry ?? []), 'src/test/legacy-app/*.mjs'] },
    'apps/server': { entry: ['src/main.ts!', tests], project: ['src/**/*.ts!'] },
    // node dist/main.js (see apps/examples/mcp/README.md); its end-to-end test spawns the reference server's dist/main.js
    'apps/examples/mcp': { entry: ['src/main.ts!', tests], project: ['src/**/*.ts!'], ignoreDependencies: ['@grantor/server'] },
    'apps/bench': {
      // node dist/<script>.js (see apps/bench/README.md); the targets run as their own processes
      entry: ['src/{run,memory,profile,core-only,readme}.ts!', 'src/targets/*.ts!', tests],
      project: ['src/**/*.ts!'],
    },
  },
};

export default config;
