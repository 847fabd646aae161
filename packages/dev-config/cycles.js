#!/usr/bin/env node
// Import-cycle check for one package: every module under `src/` (test files excluded) and what it imports among
// them, type-only imports included. Prints each cycle and exits 1 when there is one. Run from the package folder
// (its `lint` script: `grantor-cycles`). A package whose package.json lists `"grantor": { "layers": [folders, bottom
// first] }` is also held to them: a module under `src/<folder>/` may import only from its own folder or a lower one.
import fs from 'node:fs';
import path from 'node:path';
import { parseCircular, parseDependencyTree, prettyCircular } from 'dpdm';

const root = fs.realpathSync(process.cwd());
const src = path.join(root, 'src');
const escaped = src.replace(/[.*+?^${}()|[\]\\]/g, '\\$&');
const tree = await parseDependencyTree('src/**/*.ts', {
  cwd: root,
  context: root,
  // only this package's own sources; other packages (workspace or not) are checked on their own
  include: new RegExp(`^${escaped}${escaped.endsWith('/') ? '' : '/'}`),
  exclude: /\.test\.ts$|\/node_modules\//,
  transform: false,
  skipDynamicImports: false,
});
const files = Object.values(tree).filter((deps) => deps !== null).length;
const circulars = parseCircular(tree);
if (circulars.length > 0) {
  console.error(`grantor-cycles: ${circulars.length} import cycle(s) in ${path.relative(process.cwd(), src) || 'src'}:`);
  console.error(prettyCircular(circulars.map((c) => c.map((id) => path.relative(root, id)))));
  process.exit(1);
}
const layers = JSON.parse(fs.readFileSync(path.join(root, 'package.json'), 'utf8')).grantor?.layers ?? [];
const layerOf = (id) => {
  const top = path.relative(src, id).split(path.sep)[0];
  const rank = layers.indexOf(top);
  return rank < 0 ? undefined : { top, rank };
};
const upward = Object.entries(tree).flatMap(([from, deps]) => {
  const a = layerOf(from);
  return a === undefined || deps === null
    ? []
    : deps.flatMap((d) => {
        const b = d.id === null ? undefined : layerOf(d.id);
        return b !== undefined && b.rank > a.rank ? [`${path.relative(root, from)} -> ${path.relative(root, d.id)} (${a.top} is below ${b.top})`] : [];
      });
});
if (upward.length > 0) {
  console.error(`grantor-cycles: ${upward.length} import(s) point up the layers ${layers.join(' < ')}:`);
  for (const line of upward) console.error(`  ${line}`);
  process.exit(1);
}
console.log(`grantor-cycles: no import cycle among ${files} modules of ${path.basename(root)}/src${layers.length > 0 ? `; every import points down ${layers.join(' < ')}` : ''}`);
