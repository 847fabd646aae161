import { spawn, type ChildProcess } from 'node:child_process';
import { mkdtempSync, writeFileSync, existsSync } from 'node:fs';
import { createServer } from 'node:net';
import { tmpdir } from 'node:os';
import path from 'node:path';

const serverDir = path.resolve(import.meta.dirname, '../..');
export const repoRoot = path.resolve(serverDir, '../..');
export const mainJs = path.join(serverDir, 'dist/main.js');

export interface Running {
  readonly issuer: string;
  readonly port: number;
  readonly proc: ChildProcess;
  readonly output: () => string;
  /** Sends `signal` and resolves with the exit code and how long the exit took (ms). */
  readonly stop: (signal?: NodeJS.Signals) => Promise<{ readonly code: number | null; readonly signal: NodeJS.Signals | null; readonly ms: number }>;
}

export const freePort = (): Promise<number> =>
  new Promise((resolve, reject) => {
    const s = createServer();
    s.once('error', reject);
    s.listen(0, '127.0.0.1', () => {
      const a = s.address();
      const port = typeof a === 'object' && a !== null ? a.port : 0;
      s.close(() => resolve(port));
    });
  });

const sleep = (ms: number) => new Promise((r) => setTimeout(r, ms));

/**
 * Starts `node apps/server/dist/main.js` from the repository root (the README's start command) with PORT, ISSUER
 * and SEED only (plus `extraEnv`), and waits until discovery answers 200. `seed` undefined: no SEED (demo data);
 * `fixedPort`: listen there (a restart on the same issuer).
 */
export const startServer = async (seed: unknown, extraEnv: Readonly<Record<string, string>> = {}, issuerPath = '', fixedPort?: number): Promise<Running> => {
  if (!existsSync(mainJs)) throw new Error(`${mainJs} is missing: build first (pnpm build, or npx tsc -p tsconfig.build.json in apps/server)`);
  const seedEnv: Record<string, string> = {};
  if (seed !== undefined) {
    const dir = mkdtempSync(path.join(tmpdir(), 'grantor-e2e-'));
    const seedPath = path.join(dir, 'seed.json');
    writeFileSync(seedPath, JSON.stringify(seed));
    seedEnv['SEED'] = seedPath;
  }
  const port = fixedPort ?? (await freePort());
  const issuer = `http://127.0.0.1:${port}${issuerPath}`;
  const env: Record<string, string> = { PATH: process.env['PATH'] ?? '', PORT: String(port), ISSUER: issuer, ...seedEnv, ...extraEnv };
  const proc = spawn(process.execPath, [mainJs], { cwd: repoRoot, env, stdio: ['ignore', 'pipe', 'pipe'] });
  let out = '';
  proc.stdout?.on('data', (d: Buffer) => (out += d.toString()));
  proc.stderr?.on('data', (d: Buffer) => (out += d.toString()));
  let exited = false;
  const exit = new Promise<{ code: number | null; signal: NodeJS.Signals | null }>((resolve) =>
    proc.once('exit', (code, signal) => {
      exited = true;
      resolve({ code, signal });
    }),
  );
  const deadline = Date.now() + 60_000;
  for (;;) {
    if (exited) throw new Error(`server exited before it was ready:\n${out}`);
    try {
      const res = await fetch(`${issuer}/.well-known/openid-configuration`);
      if (res.status === 200) break;
    } catch {
      // not listening yet
    }
    if (Date.now() > deadline) {
      proc.kill('SIGKILL');
      throw new Error(`server not ready within 60 s:\n${out}`);
    }
    await sleep(100);
  }
  return {
    issuer,
    port,
    proc,
    output: () => out,
    stop: async (signal = 'SIGTERM') => {
      const t0 = Date.now();
      if (!exited) proc.kill(signal);
      const kill = setTimeout(() => proc.kill('SIGKILL'), 10_000);
      const r = await exit;
      clearTimeout(kill);
      return { ...r, ms: Date.now() - t0 };
    },
  };
};
