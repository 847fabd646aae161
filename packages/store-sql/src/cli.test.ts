import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterEach, describe, expect, it } from 'vitest';
import { main } from './cli.js';
import { migrations } from './migrations/index.js';

const dirs: string[] = [];
afterEach(() => {
  for (const d of dirs.splice(0)) rmSync(d, { recursive: true, force: true });
});

const cli = async (args: string[], env: Record<string, string>) => {
  const out: string[] = [];
  const err: string[] = [];
  const code = await main(args, env, (l) => out.push(l), (l) => err.push(l));
  return { code, out: out.join('\n'), err: err.join('\n') };
};

const appliedAll = migrations.map((m) => `grantor migrate: applied ${m.id}`).join('\n');

describe('grantor CLI', () => {
  it('migrate applies the migrations to DATABASE_URL, then reports it up to date', async () => {
    const dir = mkdtempSync(join(tmpdir(), 'grantor-cli-'));
    dirs.push(dir);
    const env = { DATABASE_URL: `sqlite:${join(dir, 'db.sqlite')}` };
    expect(await cli(['migrate'], env)).toMatchObject({ code: 0, out: appliedAll });
    expect(await cli(['migrate'], env)).toMatchObject({ code: 0, out: expect.stringContaining('up to date') });
  });

  it('migrate uses --url first, and DATA_DIR (embedded SQLite) when there is no DATABASE_URL', async () => {
    const dir = mkdtempSync(join(tmpdir(), 'grantor-cli-'));
    dirs.push(dir);
    expect((await cli(['migrate'], { DATA_DIR: join(dir, 'data') })).out).toBe(appliedAll);
    expect((await cli(['migrate', '--url', join(dir, 'other.sqlite')], { DATA_DIR: join(dir, 'data') })).out).toBe(appliedAll);
  });

  it('fails with a usage error when no database is configured, and exit code 1 when it is unreachable', async () => {
    expect(await cli(['migrate'], {})).toMatchObject({ code: 2, err: expect.stringContaining('DATABASE_URL') });
    const refused = await cli(['migrate'], { DATABASE_URL: 'postgres://postgres:hunter2@127.0.0.1:1/none' });
    expect(refused.code).toBe(1);
    expect(refused.err).toContain('postgres://postgres:***@127.0.0.1:1/none');
    expect(refused.err).not.toContain('hunter2');
  });

  it('lists migrations; rejects unknown commands', async () => {
    expect(await cli(['migrations'], {})).toMatchObject({ code: 0, out: migrations.map((m) => m.id).join('\n') });
    expect((await cli(['frobnicate'], {})).code).toBe(2);
  });
});
