/**
 * Copies results/latest.md into README.md between `<!-- results:start -->` and `<!-- results:end -->`.
 * Usage: node dist/readme.js
 */
import { readFileSync, writeFileSync } from 'node:fs';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';

const root = join(dirname(fileURLToPath(import.meta.url)), '..');
const readme = join(root, 'README.md');
const results = readFileSync(join(root, 'results', 'latest.md'), 'utf8').trim();
const text = readFileSync(readme, 'utf8');
const start = '<!-- results:start -->';
const end = '<!-- results:end -->';
const a = text.indexOf(start);
const b = text.indexOf(end);
if (a < 0 || b < a) throw new Error(`README.md has no ${start} … ${end} block`);
writeFileSync(readme, `${text.slice(0, a + start.length)}\n${results}\n${text.slice(b)}`);
console.log('README.md updated from results/latest.md');
