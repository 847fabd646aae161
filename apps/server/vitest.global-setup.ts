import { execFileSync } from 'node:child_process';
import { createRequire } from 'node:module';

/** Builds `dist/` (the end-to-end tests run the built server, as the README's start command does). */
export default function setup(): void {
  if (process.env['GRANTOR_E2E_SKIP_BUILD'] === '1') return;
  const tsc = createRequire(import.meta.url).resolve('typescript/bin/tsc');
  execFileSync(process.execPath, [tsc, '-p', 'tsconfig.build.json'], { cwd: import.meta.dirname, stdio: 'inherit' });
}
