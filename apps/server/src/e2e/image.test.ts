import { execFile, spawn } from 'node:child_process';
import { randomBytes } from 'node:crypto';
import { mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { promisify } from 'node:util';
import { afterAll, describe, expect, it } from 'vitest';
import { createSqlStore } from '@grantor/store-sql';
import { freePort, repoRoot } from './harness.js';

/**
 * The container image without Docker: the Dockerfile's build stage deploys apps/server with its production
 * dependencies only (`pnpm --filter=@grantor/server deploy --prod --legacy`, src removed); this test does the same
 * into a scratch directory and boots it as the image's ENTRYPOINT does, outside the repository, on PostgreSQL with
 * `HOST=0.0.0.0`, then checks readiness, a token, and the `grantor` command of the deployed tree.
 */
const baseUrl = process.env['GRANTOR_TEST_POSTGRES_URL'] ?? 'postgres://postgres@127.0.0.1:5432/test';
const schema = `grantor_image_${randomBytes(6).toString('hex')}`;
const dockerfile = readFileSync(path.join(repoRoot, 'Dockerfile'), 'utf8');
const pnpm = ['-y', 'pnpm@10.34.8'];
const sleep = (ms: number) => new Promise((r) => setTimeout(r, ms));

const withAdmin = async (f: (db: ReturnType<typeof createSqlStore>['db']) => Promise<unknown>): Promise<string | undefined> => {
  const admin = createSqlStore({ db: { url: baseUrl, connectTimeoutMs: 3000 } });
  try {
    await f(admin.db);
    return undefined;
  } catch (e) {
    return e instanceof Error ? e.message : String(e);
  } finally {
    await admin.close().catch(() => undefined);
  }
};
const problem = await withAdmin((db) => db.schema.createSchema(schema).execute());
const inCi = process.env['CI'] !== undefined && process.env['CI'] !== '';

describe.skipIf(problem !== undefined && !inCi)('the container image, built and booted as the Dockerfile does (no Docker)', () => {
  const scratch = mkdtempSync(path.join(tmpdir(), 'grantor-image-'));
  afterAll(async () => {
    rmSync(scratch, { recursive: true, force: true });
    await withAdmin((db) => db.schema.dropSchema(schema).ifExists().cascade().execute());
  });

  it('the Dockerfile deploys apps/server for production and runs dist/main.js as a non-root user on 0.0.0.0', () => {
    expect(dockerfile).toContain('pnpm --filter=@grantor/server deploy --prod --legacy /app');
    expect(dockerfile).toMatch(/ENTRYPOINT \["node", "\/app\/dist\/main\.js"\]/);
    expect(dockerfile).toMatch(/^USER node$/m);
    expect(dockerfile).toMatch(/HOST=0\.0\.0\.0/);
    expect(dockerfile.match(/^FROM /gm)).toHaveLength(2);
  });

  it('deploys, boots on PostgreSQL with migrations applied, serves tokens and /readyz, and stops on SIGTERM', async () => {
    const app = path.join(scratch, 'app');
    await promisify(execFile)('npx', [...pnpm, '--filter=@grantor/server', 'deploy', '--prod', '--legacy', app], { cwd: repoRoot, env: process.env, maxBuffer: 1 << 26 });
    rmSync(path.join(app, 'src'), { recursive: true, force: true });
    const url = new URL(baseUrl);
    url.searchParams.set('schema', schema);
    const port = await freePort();
    const issuer = `http://127.0.0.1:${port}`;
    const env = { PATH: process.env['PATH'] ?? '', NODE_ENV: 'production', HOST: '0.0.0.0', PORT: String(port), ISSUER: issuer, DATABASE_URL: url.toString(), KEY_ENCRYPTION_SECRET: randomBytes(24).toString('base64url') };

    // The operator's command in the deployed tree (migrates, registers the scope, then a client within it).
    await promisify(execFile)(process.execPath, [path.join(app, 'dist/main.js'), 'scope', 'add', 'api:read'], { cwd: scratch, env });
    const created = await promisify(execFile)(process.execPath, [path.join(app, 'dist/main.js'), 'client', 'create', '--name', 'svc', '--grant', 'client_credentials', '--scope', 'api:read', '--json'], { cwd: scratch, env });
    const { client_id: id, client_secret: secret } = JSON.parse(created.stdout) as { client_id: string; client_secret: string };

    const proc = spawn(process.execPath, [path.join(app, 'dist/main.js'), 'serve'], { cwd: scratch, env, stdio: ['ignore', 'pipe', 'pipe'] });
    let out = '';
    proc.stdout.on('data', (d: Buffer) => (out += d.toString()));
    proc.stderr.on('data', (d: Buffer) => (out += d.toString()));
    const exited = new Promise<number | null>((resolve) => proc.once('exit', (code) => resolve(code)));
    try {
      let ready = 0;
      for (let i = 0; i < 600 && ready !== 200; i++) {
        ready = await fetch(`${issuer}/readyz`).then((r) => r.status, () => 0);
        if (ready !== 200) await sleep(100);
      }
      expect(ready, out).toBe(200);
      expect(out).toContain(`listening on http://0.0.0.0:${port}`);
      const token = await fetch(`${issuer}/token`, {
        method: 'POST',
        headers: { authorization: `Basic ${Buffer.from(`${id}:${secret}`).toString('base64')}`, 'content-type': 'application/x-www-form-urlencoded' },
        body: 'grant_type=client_credentials&scope=api%3Aread',
      });
      expect(token.status).toBe(200);
    } finally {
      proc.kill('SIGTERM');
    }
    expect(await exited).toBe(0);
  }, 300_000);
});
