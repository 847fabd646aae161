import { spawn } from 'node:child_process';
import { mkdtempSync, writeFileSync, existsSync } from 'node:fs';
import { createServer } from 'node:net';
import { tmpdir } from 'node:os';
import path from 'node:path';

/** The reference server as its README starts it: `node apps/server/dist/main.js` (built by turbo first). */
const repoRoot = path.resolve(import.meta.dirname, '../../../../..');
const mainJs = path.join(repoRoot, 'apps/server/dist/main.js');

export const freePort = (): Promise<number> =>
  new Promise((resolve, reject) => {
    const probe = createServer();
    probe.once('error', reject);
    probe.listen(0, '127.0.0.1', () => {
      const address = probe.address();
      probe.close(() => resolve(typeof address === 'object' && address !== null ? address.port : 0));
    });
  });

export interface ReferenceServer {
  readonly issuer: string;
  readonly output: () => string;
  readonly stop: () => Promise<void>;
}

/**
 * Starts the reference server with `PORT`, `ISSUER`, `SEED` (written to a scratch file) and `env` (e.g.
 * `REGISTRATION=open`), and waits until its discovery document answers.
 */
export const startReferenceServer = async (seed: unknown, env: Readonly<Record<string, string>> = {}): Promise<ReferenceServer> => {
  if (!existsSync(mainJs)) throw new Error(`${mainJs} is missing: run pnpm build first`);
  const seedPath = path.join(mkdtempSync(path.join(tmpdir(), 'grantor-mcp-')), 'seed.json');
  writeFileSync(seedPath, JSON.stringify(seed));
  const port = await freePort();
  const issuer = `http://127.0.0.1:${port}`;
  const proc = spawn(process.execPath, [mainJs], {
    cwd: repoRoot,
    env: { PATH: process.env['PATH'] ?? '', PORT: String(port), ISSUER: issuer, SEED: seedPath, ...env },
    stdio: ['ignore', 'pipe', 'pipe'],
  });
  let out = '';
  proc.stdout.on('data', (d: Buffer) => (out += d.toString()));
  proc.stderr.on('data', (d: Buffer) => (out += d.toString()));
  let exited = false;
  const exit = new Promise<void>((resolve) => proc.once('exit', () => resolve(void (exited = true))));
  for (let attempt = 0; ; attempt++) {
    if (exited) throw new Error(`the reference server exited before it was ready:\n${out}`);
    const ready = await fetch(`${issuer}/.well-known/openid-configuration`).then(
      (r) => r.status === 200,
      () => false,
    );
    if (ready) break;
    if (attempt > 600) {
      proc.kill('SIGKILL');
      throw new Error(`the reference server was not ready within 60 s:\n${out}`);
    }
    await new Promise((r) => setTimeout(r, 100));
  }
  return {
    issuer,
    output: () => out,
    stop: async () => {
      if (!exited) proc.kill('SIGTERM');
      await exit;
    },
  };
};
