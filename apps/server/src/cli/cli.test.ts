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
import { authorize } from '../e2e/flows.js';
import { mainJs, repoRoot, startServer } from '../e2e/harness.js';
import { runCli } from './main.js';

const runWith = async (stdin: string, env: Record<string, string>, ...argv: string[]) => {
  const out: string[] = [];
  const err: string[] = [];
  const code = await runCli(argv, env, { out: (l) => out.push(l), err: (l) => err.push(l) }, { stdin: async () => stdin });
  return { code, out: out.join('\n'), err: err.join('\n') };
};
const run = (env: Record<string, string>, ...argv: string[]) => runWith('', env, ...argv);
const parsed = (r: { readonly out: string }) => JSON.parse(r.out) as Record<string, unknown>;

describe('grantor CLI', () => {
  it('client create|list|show|update|disable|enable|rotate-secret|rotate-key|delete, --json and tables', async () => {
    const env = { DATA_DIR: mkdtempSync(path.join(tmpdir(), 'grantor-cli-')) };
    // A client's scopes must be registered scopes.
    const refused = await run(env, 'client', 'create', '--name', 'svc', '--grant', 'client_credentials', '--scope', 'api:read', '--json');
    expect(refused.code).toBe(1);
    expect(refused.err).toContain('does not list: api:read');
    for (const scope of ['api:read', 'api:write']) expect((await run(env, 'scope', 'add', scope)).code).toBe(0);
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

  it('scope add|list|update|remove and resource add|list|update|remove, --json and tables', async () => {
    const env = { DATA_DIR: mkdtempSync(path.join(tmpdir(), 'grantor-cli-')) };
    expect(parsed(await run(env, 'scope', 'add', 'photos', '--description', 'Your photos', '--optional', '--json'))).toEqual({ name: 'photos', description: 'Your photos', optional: true });
    expect((await run(env, 'scope', 'add', 'photos')).err).toContain('already exists');
    expect((await run(env, 'scope', 'add', 'openid', '--optional')).err).toContain('openid cannot be optional');
    const scopes = await run(env, 'scope', 'list');
    expect(scopes.out).toMatch(/^NAME\s+OPTIONAL\s+DESCRIPTION/);
    expect(scopes.out).toMatch(/photos\s+yes\s+Your photos/);
    expect(scopes.out).toMatch(/openid\s+no/);
    expect(parsed(await run(env, 'scope', 'update', 'photos', '--required', '--description', '', '--json'))).toEqual({ name: 'photos', optional: false });
    const api = 'https://photos.example.test/api';
    expect((await run(env, 'resource', 'add', api, '--scope', 'photos ghost')).err).toContain('ghost');
    expect(parsed(await run(env, 'resource', 'add', api, '--scope', 'photos', '--format', 'jwt', '--lifetime', '300', '--introspector', 'rs-1', '--json'))).toEqual({
      identifier: api, scope: 'photos', access_token_format: 'jwt', access_token_lifetime: 300, introspection_client_ids: ['rs-1'],
    });
    expect((await run(env, 'resource', 'list')).out).toMatch(/photos\.example\.test\/api\s+photos\s+jwt\s+300s\s+rs-1/);
    expect(parsed(await run(env, 'resource', 'update', api, '--format', 'default', '--lifetime', 'default', '--json'))).toEqual({ identifier: api, scope: 'photos', introspection_client_ids: ['rs-1'] });
    expect((await run(env, 'scope', 'remove', 'photos')).err).toContain('listed by resources');
    expect((await run(env, 'resource', 'remove', api)).code).toBe(0);
    expect((await run(env, 'resource', 'remove', api)).err).toContain('No such resource');
    expect((await run(env, 'scope', 'remove', 'photos')).code).toBe(0);
    expect((parsed(await run(env, 'scope', 'list', '--json'))['items'] as { name: string }[]).map((s) => s.name)).toEqual(['email', 'offline_access', 'openid', 'profile']);
    expect((await run(env, 'scope', 'add')).code).toBe(2);
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

  it('user add|list|show|update|set-password|disable|enable|delete, --json and tables; the server signs the user in', async () => {
    const env = { DATA_DIR: mkdtempSync(path.join(tmpdir(), 'grantor-cli-')) };
    const added = await runWith('first-password-1\n', env, 'user', 'add', 'grace', '--email', 'Grace@Example.test', '--name', 'Grace H.', '--password-stdin', '--json');
    expect(added.code).toBe(0);
    const u = parsed(added);
    expect(u).toMatchObject({ username: 'grace', email: 'grace@example.test', claims: { name: 'Grace H.' }, admin: false, disabled: false, origin: 'admin' });
    expect(added.out).not.toContain('argon2');
    expect((await run(env, 'user', 'add', 'grace', '--password', 'another-password')).err).toContain('taken');
    expect((await run(env, 'user', 'add', 'weak', '--password', 'short')).code).toBe(1);
    expect((await run(env, 'user', 'add', 'other', '--admin', '--password', 'long-enough-pw')).code).toBe(0);

    const table = await run(env, 'user', 'list');
    expect(table.out).toMatch(/^USERNAME\s+SUBJECT\s+EMAIL/);
    expect(table.out.split('\n').slice(1).map((l) => l.split(/\s+/)[0])).toEqual(['grace', 'other']);
    const page = parsed(await run(env, 'user', 'list', '--limit', '1', '--json'));
    expect((page['items'] as { username: string }[]).map((x) => x.username)).toEqual(['grace']);
    const next = parsed(await run(env, 'user', 'list', '--limit', '1', '--cursor', page['next_cursor'] as string, '--json'));
    expect(next['items']).toEqual([expect.objectContaining({ username: 'other', admin: true })]);
    expect(parsed(await run(env, 'user', 'list', '--search', 'grace@', '--json'))['items']).toEqual([expect.objectContaining({ subject: u['subject'] })]);

    expect(parsed(await run(env, 'user', 'update', 'grace', '--name', 'Grace Hopper', '--json'))['claims']).toEqual({ name: 'Grace Hopper' });
    expect((await runWith('second-password-2\n', env, 'user', 'set-password', 'grace', '--password-stdin')).out).toContain('password of grace set');
    expect((await run(env, 'user', 'set-password', 'grace')).code).toBe(2);
    expect(parsed(await run(env, 'user', 'disable', 'grace', '--json'))['disabled']).toBe(true);
    expect(parsed(await run(env, 'user', 'enable', u['subject'] as string, '--json'))['disabled']).toBe(false);
    expect((await run(env, 'user', 'show', 'nobody')).code).toBe(1);
    expect((await run(env, 'user', 'frobnicate')).code).toBe(2);

    const server = await startServer(undefined, { DATA_DIR: env.DATA_DIR });
    try {
      const client = parsed(await run(env, 'client', 'create', '--name', 'web', '--grant', 'authorization_code', '--redirect-uri', 'https://client.example.test/cb', '--auth-method', 'none', '--scope', 'openid', '--json'));
      const url = new URL(`${server.issuer}/authorize?${new URLSearchParams({ response_type: 'code', client_id: client['client_id'] as string, redirect_uri: 'https://client.example.test/cb', scope: 'openid', state: 's', code_challenge: 'E9Melhoa2OwvFrEMTJguCHaoeK1t8URWbuGJSstw-cM', code_challenge_method: 'S256' })}`);
      const { callback } = await authorize(server.issuer, url, { username: 'grace', password: 'second-password-2' } as never);
      expect(callback.searchParams.get('code')).toBeTruthy();
    } finally {
      await server.stop();
    }
    expect((await run(env, 'user', 'delete', 'grace')).code).toBe(0);
    expect((await run(env, 'user', 'show', 'grace')).code).toBe(1);
  });

  it('the real command creates a client the server started on the same DATA_DIR accepts', async () => {
    const dataDir = mkdtempSync(path.join(tmpdir(), 'grantor-cli-'));
    await promisify(execFile)(process.execPath, [mainJs, 'scope', 'add', 'api:read', '--description', 'Read the API'], { cwd: repoRoot, env: { PATH: process.env['PATH'] ?? '', DATA_DIR: dataDir } });
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
