import * as O from 'fp-ts/lib/Option.js';
import * as TE from 'fp-ts/lib/TaskEither.js';
import type { Logger } from '@grantor/core';
import { createSqlStore } from '@grantor/store-sql';
import { createCore } from '../core-bridge.js';
import { readEnv } from '../env.js';
import { knownScopes } from '../seed.js';
import { parseArgs } from './args.js';
import { createUserAdmin } from '../people/user-admin.js';
import { groups, switches } from './commands.js';
import type { Output } from './report.js';
import { runUserCommand, userSwitches, type PasswordSource } from './user-commands.js';

const usage = `Usage: grantor <command> [options]   (pnpm grantor … from a checkout)

Works on the server's database directly: DATABASE_URL, else DATA_DIR (SQLite), else ./data — the same environment
as the server (KEY_ENCRYPTION_SECRET too). Add --json for machine-readable output.

  client create --name N --grant G [--grant …] [--scope "a b"] [--redirect-uri U] [--auth-method M] [--id ID] [--metadata JSON]
  client list [--search S] [--disabled|--enabled] [--registered dynamic|static] [--limit N] [--cursor C]
  client purge-registered --older-than 30d [--unused] [--dry-run]   delete RFC 7591 registered clients
  client show|disable|enable|delete <client_id>
  client update <client_id> [--name] [--scope] [--grant] [--redirect-uri] [--metadata JSON]
  client rotate-secret <client_id> [--overlap SECONDS]
  client rotate-key <client_id> [--alg ES256|RS256|PS256|EdDSA] [--keep]
  scope add <name> [--description D] [--optional]      (a client's scopes must be registered scopes)
  scope list | scope update <name> [--description D] [--optional|--required] | scope remove <name>
  resource add <identifier> [--scope "a b"] [--format opaque|jwt] [--lifetime SECONDS] [--introspector CLIENT_ID …]
  resource list | resource update <identifier> [same options; default clears format/lifetime] | resource remove <identifier>
  token list [--client ID] [--subject SUB] [--grant GRANT_ID] [--kind access_token|refresh_token] [--status active|expired|revoked|rotated]
  token revoke --id ID [--kind K] | --grant GRANT_ID | --client ID [--subject SUB] | --subject SUB
  keys list | keys rotate | keys retire <kid> [--unpublish]
  user add <username> [--email E] [--name N] [--claims JSON] [--password-stdin | --password P] [--admin] [--verified]
  user list [--search S] [--limit N] [--cursor C]
  user show|disable|enable|delete <username or subject>
  user update <username or subject> [--email E] [--name N] [--claims JSON] [--admin|--no-admin] [--verified]
  user set-password <username or subject> --password-stdin | --password P
  migrate                 apply pending database migrations
  serve                   run the server (the default without a command)`;

/** Standard input as text (for `--password-stdin`). */
const readStdin = async (): Promise<string> => {
  const chunks: Buffer[] = [];
  for await (const chunk of process.stdin) chunks.push(chunk as Buffer);
  return Buffer.concat(chunks).toString('utf8');
};

const quiet: Logger = { log: () => undefined };

/** `grantor migrate`: applies pending migrations to DATABASE_URL / DATA_DIR and lists what it did. */
const migrateCommand = async (env: Readonly<Record<string, string | undefined>>, io: Output, asJson: boolean): Promise<number> => {
  const read = readEnv(env);
  if (read.store.kind === 'memory') return (io.err('error: migrate needs DATABASE_URL or DATA_DIR'), 2);
  const store = createSqlStore({ db: read.store.kind === 'sqlite' ? { dataDir: read.store.dir } : { url: read.store.url } });
  try {
    const result = await store.migrate();
    io.out(asJson ? JSON.stringify(result) : result.applied.length === 0 ? `up to date (${result.skipped.length} migrations applied earlier)` : `applied: ${result.applied.join(', ')}`);
    return 0;
  } finally {
    await store.close();
  }
};

/**
 * The `grantor` command, callable in-process (tests): returns the exit code (0 done, 1 the operation failed, 2 bad
 * usage). Opens the persistent store as the server does (migrating it), runs one operation, closes it.
 */
export const runCli = async (argv: readonly string[], env: Readonly<Record<string, string | undefined>>, io: Output, input: PasswordSource = { stdin: readStdin }): Promise<number> => {
  const args = parseArgs(argv, [...switches, ...userSwitches]);
  if (typeof args === 'string') return (io.err(`error: ${args}`), 2);
  const [group, sub, ...rest] = args.positional;
  if (group === undefined || group === 'help' || args.flags.has('help')) {
    io.out(usage);
    return group === undefined && !args.flags.has('help') ? 2 : 0;
  }
  try {
    if (group === 'migrate') return await migrateCommand(env, io, args.flags.has('json'));
    const command = groups[group]?.[sub ?? ''];
    if (command === undefined && group !== 'user') return (io.err(`error: unknown command ${[group, sub].filter(Boolean).join(' ')}\n\n${usage}`), 2);
    const read = readEnv(env);
    if (read.store.kind === 'memory') return (io.err('error: set DATABASE_URL or DATA_DIR (the in-memory store belongs to a running server)'), 2);
    const core = await createCore({ env: read, scopes: knownScopes([]), clients: [], claims: { claims: () => TE.right(O.none) }, logger: quiet, prefix: '' });
    try {
      const rested = { ...args, positional: rest };
      if (command !== undefined) return await command(core.admin, rested, io);
      const users = createUserAdmin({ store: core.users, operations: core.admin, sessions: core.loginSessions, now: () => Date.now() / 1000 });
      const ran = runUserCommand(sub, users, rested, io, input);
      return ran === undefined ? (io.err(`error: unknown command user ${sub ?? ''}\n\n${usage}`), 2) : await ran;
    } finally {
      await core.close();
    }
  } catch (e) {
    io.err(`error: ${e instanceof Error ? e.message : String(e)}`);
    return 1;
  }
};
