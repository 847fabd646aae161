/**
 * The reference server (`apps/server/dist/main.js`) with WORKERS=<n> on PostgreSQL: a fresh schema
 * `${BENCH_PG_SCHEMA}_server`, a seed with the bench client, then the server as a child process (stopped with this
 * process). Usage: server-workers.js <n>.
 */
import { spawn } from 'node:child_process';
import { mkdtempSync, writeFileSync } from 'node:fs';
import { createServer } from 'node:net';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { CLIENT_ID, CLIENT_SECRET, SCOPE, announce, fail } from '../protocol.js';
import { pgUrl } from './stores.js';

const serverMain = path.resolve(import.meta.dirname, '../../../server/dist/main.js');

const freePort = (): Promise<number> =>
  new Promise((resolve, reject) => {
    const s = createServer();
    s.once('error', reject);
    s.listen(0, '127.0.0.1', () => {
      const a = s.address();
      s.close(() => resolve(typeof a === 'object' && a !== null ? a.port : 0));
    });
  });

const main = async (): Promise<void> => {
  const workers = Number(process.argv[2] ?? '1');
  const schema = `${process.env['BENCH_PG_SCHEMA'] ?? 'grantor_bench'}_server`;
  const { openConnection } = await import('@grantor/store-sql');
  const admin = openConnection({ url: pgUrl() });
  try {
    await admin.db.schema.dropSchema(schema).ifExists().cascade().execute();
    await admin.db.schema.createSchema(schema).execute();
  } finally {
    await admin.db.destroy();
  }
  const dir = mkdtempSync(path.join(tmpdir(), 'grantor-bench-server-'));
  const seed = path.join(dir, 'seed.json');
  writeFileSync(seed, JSON.stringify({
    clients: [{ client_id: CLIENT_ID, client_secret: CLIENT_SECRET, redirect_uris: [], grant_types: ['client_credentials'], response_types: [], scope: SCOPE, token_endpoint_auth_method: 'client_secret_basic' }],
    users: [],
  }));
  const port = await freePort();
  const url = new URL(pgUrl());
  url.searchParams.set('schema', schema);
  const child = spawn(process.execPath, [serverMain], {
    env: { PATH: process.env['PATH'] ?? '', PORT: String(port), ISSUER: `http://127.0.0.1:${port}`, SEED: seed, DATABASE_URL: url.toString(), WORKERS: String(workers), KEY_ENCRYPTION_SECRET: 'bench-key-encryption-secret', NODE_ENV: 'production' },
    stdio: ['ignore', 'pipe', 'inherit'],
  });
  let out = '';
  child.stdout.on('data', (d: Buffer) => (out += d.toString()));
  const stop = (): void => {
    child.kill('SIGTERM');
    setTimeout(() => process.exit(0), 4000).unref();
    child.once('exit', () => process.exit(0));
  };
  process.once('SIGTERM', stop);
  process.once('disconnect', stop);
  child.once('exit', (code) => fail(new Error(`server exited (code ${code}):\n${out}`)));
  const listening = (): number => (workers === 1 ? (/listening on/.test(out) ? 1 : 0) : [...out.matchAll(/worker \d+ of \d+ \(pid \d+\) listening/g)].length);
  for (let i = 0; i < 600 && listening() < workers; i++) await new Promise((r) => setTimeout(r, 100));
  if (listening() < workers) throw new Error(`server not ready:\n${out}`);
  announce({ type: 'ready', port });
};

main().catch(fail);
