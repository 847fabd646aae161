/**
 * Copies results into README.md between markers: results/latest.md → `<!-- results:start -->`…`<!-- results:end -->`,
 * and results/core-only.txt (when present) → `<!-- core-only:start -->`…`<!-- core-only:end -->`.
 * Usage: node dist/readme.js
 */
import { existsSync, readFileSync, writeFileSync } from 'node:fs';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';

const root = join(dirname(fileURLToPath(import.meta.url)), '..');
const readme = join(root, 'README.md');

const replaceBlock = (text: string, name: string, content: string): string => {
  const start = `<!-- ${name}:start -->`;
  const end = `<!-- ${name}:end -->`;
  const a = text.indexOf(start);
  const b = text.indexOf(end);
  if (a < 0 || b < a) throw new Error(`README.md has no ${start} … ${end} block`);
  return `${text.slice(0, a + start.length)}\n${content.trim()}\n${text.slice(b)}`;
};

let text = readFileSync(readme, 'utf8');
text = replaceBlock(text, 'results', readFileSync(join(root, 'results', 'latest.md'), 'utf8'));
const core = join(root, 'results', 'core-only.txt');
if (existsSync(core)) text = replaceBlock(text, 'core-only', `\`\`\`\n${readFileSync(core, 'utf8').trim()}\n\`\`\``);
writeFileSync(readme, text);
console.log('README.md updated from results/');
