/**
 * The `grantor` command on a SQLite DATA_DIR: in-process for each sub-command, and once as the real process
 * (`node apps/server/dist/main.js client create … --json`, what `pnpm grantor` runs) whose client then works at the
 * server started on the same directory.
 */
import { execFile } from 'node:child_process';
import { mkdtempSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { promisify } from 'node:util';
import { describe, expect, it } from 'vitest';
import { mainJs, repoRoot, startServer } from '../e2e/harness.js';
import { runCli } from './main.js';

const run = async (env: Record<string, string>, ...argv: string[]) => {
  const out: string[] = [];
  const err: string[] = [];
  const code = await runCli(argv, env, { out: (l) => out.push(l), err: (l) => err.push(l) });
  return { code, out: out.join('\n'), err: err.join('\n') };
};
const parsed = (r: { readonly out: string }) => JSON.parse(r.out) as Record<string, unknown>;

describe('grantor CLI', () => {
  it('client create|list|show|update|disable|enable|rotate-secret|rotate-key|delete, --json and tables', async () => {
    const env = { DATA_DIR: mkdtempSync(path.join(tmpdir(), 'grantor-cli-')) };
    const created = await run(env, 'client', 'create', '--name', 'svc', '--grant', 'client_credentials', '--scope', 'api:read', '--json');
    expect(created.code).toBe(0);
    const c = parsed(created);
    expect(c).toMatchObject({ client_name: 'svc', grant_types: ['client_credentials'], scope: 'api:read', client_id: expect.any(String), client_secret: expect.any(String) });
    const id = c['client_id'] as string;

    const listed = await run(env, 'client', 'list');
    expect(listed.out).toMatch(/^CLIENT_ID\s+NAME\s+AUTH/);
    expect(listed.out).toContain(id);
    expect(listed.out).not.toContain(c['client_secret'] as string);
    expect(parsed(await run(env, 'client', 'show', id, '--json'))).toMatchObject({ client_id: id, disabled: false });
    expect(parsed(await run(env, 'client', 'update', id, '--scope', 'api:read api:write', '--json'))['scope']).toBe('api:read api:write');
    expect((await run(env, 'client', 'disable', id)).code).toBe(0);
    expect((parsed(await run(env, 'client', 'list', '--disabled', '--json'))['items'] as { client_id: string }[]).map((x) => x.client_id)).toEqual([id]);
    expect((await run(env, 'client', 'enable', id)).code).toBe(0);
    const rotated = parsed(await run(env, 'client', 'rotate-secret', id, '--json'));
    expect(rotated['client_secret']).not.toBe(c['client_secret']);
    const key = await run(env, 'client', 'rotate-key', id, '--alg', 'ES256', '--json');
    // A client_secret_basic client gets the key registered too (for a later switch to private_key_jwt).
    expect(parsed(key)['private_jwk']).toMatchObject({ kty: 'EC', crv: 'P-256', d: expect.any(String) });
    expect((await run(env, 'client', 'delete', id)).code).toBe(0);
    const gone = await run(env, 'client', 'show', id);
    expect(gone.code).toBe(1);
    expect(gone.err).toContain('No such client');
  });

  it('token list|revoke, keys list|rotate, migrate; bad usage exits 2', async () => {
    const env = { DATA_DIR: mkdtempSync(path.join(tmpdir(), 'grantor-cli-')) };
    expect((await run(env, 'migrate')).code).toBe(0);
    expect((await run(env, 'migrate')).out).toMatch(/up to date/);
    const keys = parsed(await run(env, 'keys', 'list', '--json'))['keys'] as { kid: string; status: string }[];
    expect(keys.filter((k) => k.status === 'active')).toHaveLength(2);
    const after = parsed(await run(env, 'keys', 'rotate', '--json'))['keys'] as { kid: string; status: string }[];
    expect(after.filter((k) => k.status === 'retired').map((k) => k.kid).sort()).toEqual(keys.filter((k) => k.status === 'active').map((k) => k.kid).sort());
    expect(parsed(await run(env, 'token', 'list', '--json'))['items']).toEqual([]);
    expect(parsed(await run(env, 'token', 'revoke', '--client', 'nobody', '--json'))).toEqual({ revoked: 0 });
    expect((await run(env, 'token', 'revoke')).code).toBe(2);
    expect((await run(env, 'token', 'list', '--status', 'weird')).code).toBe(2);
    expect((await run(env, 'client', 'frobnicate')).code).toBe(2);
    expect((await run({}, 'client', 'list', '--limit')).code).toBe(2);
  });

  it('the real command creates a client the server started on the same DATA_DIR accepts', async () => {
    const dataDir = mkdtempSync(path.join(tmpdir(), 'grantor-cli-'));
    const { stdout } = await promisify(execFile)(
      process.execPath,
      [mainJs, 'client', 'create', '--name', 'svc', '--grant', 'client_credentials', '--scope', 'api:read', '--json'],
      { cwd: repoRoot, env: { PATH: process.env['PATH'] ?? '', DATA_DIR: dataDir } },
    );
    const { client_id: id, client_secret: secret } = JSON.parse(stdout) as { client_id: string; client_secret: string };
    const server = await startServer(undefined, { DATA_DIR: dataDir });
    try {
      const res = await fetch(`${server.issuer}/token`, {
        method: 'POST',
        headers: { authorization: `Basic ${Buffer.from(`${id}:${secret}`).toString('base64')}`, 'content-type': 'application/x-www-form-urlencoded' },
        body: 'grant_type=client_credentials&scope=api%3Aread',
      });
      expect(res.status).toBe(200);
    } finally {
      await server.stop();
    }
  });
});
