#!/usr/bin/env node
import { realpathSync } from 'node:fs';
import { pathToFileURL } from 'node:url';
import { openConnection, redactUrl as redact, type SqlConnectionConfig } from './connect.js';
import { migrate } from './migrate.js';
import { migrations } from './migrations/index.js';

const usage = `Usage: grantor <command>

Commands:
  migrate [--url <database-url>]   Apply pending schema migrations (idempotent, safe to run concurrently).
  migrations                       List the migrations this version ships.
  help                             Show this help.

The database comes from --url, else DATABASE_URL, else DATA_DIR (embedded SQLite at $DATA_DIR/grantor.sqlite):
  postgres://user:pass@host:5432/db[?schema=name]   mysql://user:pass@host:3306/db   sqlite:path/to/file.sqlite   path/to/file.sqlite`;

const target = (args: readonly string[], env: Readonly<Record<string, string | undefined>>): { readonly config: SqlConnectionConfig; readonly label: string } | string => {
  const flag = args.indexOf('--url');
  const url = flag >= 0 ? args[flag + 1] : env['DATABASE_URL'];
  if (flag >= 0 && (url === undefined || url === '')) return '--url needs a value';
  if (url !== undefined && url !== '') return { config: { url }, label: redact(url) };
  const dataDir = env['DATA_DIR'];
  if (dataDir !== undefined && dataDir !== '') return { config: { dataDir }, label: `${dataDir}/grantor.sqlite` };
  return 'no database: pass --url or set DATABASE_URL (or DATA_DIR for the embedded SQLite store)';
};

/** The CLI, callable in-process (tests): returns the exit code. */
export const main = async (
  args: readonly string[],
  env: Readonly<Record<string, string | undefined>>,
  out: (line: string) => void = (l) => process.stdout.write(`${l}\n`),
  err: (line: string) => void = (l) => process.stderr.write(`${l}\n`),
): Promise<number> => {
  const [command, ...rest] = args;
  if (command === undefined || command === 'help' || command === '--help' || command === '-h') {
    out(usage);
    return command === undefined ? 2 : 0;
  }
  if (command === 'migrations') {
    for (const m of migrations) out(m.id);
    return 0;
  }
  if (command !== 'migrate') {
    err(`grantor: unknown command ${JSON.stringify(command)}\n\n${usage}`);
    return 2;
  }
  const t = target(rest, env);
  if (typeof t === 'string') {
    err(`grantor migrate: ${t}`);
    return 2;
  }
  let connection;
  try {
    connection = openConnection(t.config);
    const result = await migrate(connection.db, { dialect: connection.dialect });
    if (result.applied.length === 0) out(`grantor migrate: ${t.label} is up to date (${result.skipped.length} migrations applied earlier)`);
    for (const id of result.applied) out(`grantor migrate: applied ${id}`);
    return 0;
  } catch (e) {
    err(`grantor migrate: failed on ${t.label}: ${e instanceof Error ? e.message : String(e)}`);
    return 1;
  } finally {
    await connection?.db.destroy().catch(() => undefined);
  }
};

const invokedDirectly = (): boolean => {
  const script = process.argv[1];
  if (script === undefined) return false;
  try {
    return import.meta.url === pathToFileURL(realpathSync(script)).href;
  } catch {
    return false;
  }
};

if (invokedDirectly()) {
  void main(process.argv.slice(2), process.env).then((code) => {
    process.exitCode = code;
  });
}
