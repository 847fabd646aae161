// Shared Vitest preset. Workspace packages are resolved to their TypeScript sources, so a test never runs
// against a stale dist/ build of a sibling package.
import path from 'node:path';
import fs from 'node:fs';

const root = path.resolve(import.meta.dirname, '../..');

function workspaceAliases() {
  const aliases = [];
  for (const group of ['packages', 'apps']) {
    const dir = path.join(root, group);
    for (const name of fs.readdirSync(dir)) {
      const manifest = path.join(dir, name, 'package.json');
      if (!fs.existsSync(manifest)) continue;
      const pkg = JSON.parse(fs.readFileSync(manifest, 'utf8'));
      const entry = path.join(dir, name, 'src', 'index.ts');
      if (pkg.name && fs.existsSync(entry)) aliases.push({ find: new RegExp(`^${pkg.name}$`), replacement: entry });
      // Subpath exports (`@grantor/core/extend` → src/extend.ts).
      for (const key of Object.keys(pkg.exports ?? {})) {
        const sub = key.replace(/^\.\//, '');
        const source = path.join(dir, name, 'src', `${sub}.ts`);
        if (key.startsWith('./') && fs.existsSync(source)) aliases.push({ find: new RegExp(`^${pkg.name}/${sub}$`), replacement: source });
      }
    }
  }
  return aliases;
}

/** @param {string} _packageDir */
export function grantorVitest(_packageDir, overrides = {}) {
  return {
    resolve: { alias: workspaceAliases() },
    test: {
      include: ['src/**/*.test.ts'],
      testTimeout: 30_000,
      hookTimeout: 60_000,
      ...overrides,
    },
  };
}
