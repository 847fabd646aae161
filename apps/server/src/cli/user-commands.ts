import type { UserAdmin, UserResult, UserView } from '../people/user-admin.js';
import { one, table, type Args } from './args.js';
import type { Output } from './report.js';

/** `grantor user …`: the reference server's local accounts (`people/user-admin.ts`). */

/** Where a password comes from: `--password-stdin` (first line of standard input) or `--password` (visible to `ps`). */
export interface PasswordSource {
  readonly stdin: () => Promise<string>;
}

type UserCommand = (users: UserAdmin, args: Args, io: Output, input: PasswordSource) => Promise<number>;

const asJson = (args: Args): boolean => args.flags.has('json');

const report = <A>(r: UserResult<A>, args: Args, io: Output, what: string, show: (value: A) => { readonly json: unknown; readonly text: string }): number => {
  if (r._tag !== 'Done') {
    const [code, description] = r._tag === 'Missing' ? ['not_found', `no user ${what}`] : ['invalid_request', r.description];
    if (asJson(args)) io.out(JSON.stringify({ error: code, error_description: description }));
    io.err(`error: ${description}`);
    return 1;
  }
  const shown = show(r.value);
  io.out(asJson(args) ? JSON.stringify(shown.json, null, 2) : shown.text);
  return 0;
};

const usageError = (io: Output, message: string): number => (io.err(`error: ${message}`), 2);

const userText = (u: UserView): string =>
  Object.entries(u)
    .map(([k, v]) => `${k}: ${typeof v === 'string' ? v : JSON.stringify(v)}`)
    .join('\n');

const shown = (u: UserView) => ({ json: u, text: userText(u) });

/** The password of `--password-stdin` or `--password`; `undefined` for neither, a string error for a bad source. */
const passwordOf = async (args: Args, input: PasswordSource): Promise<{ readonly password?: string } | string> => {
  if (args.flags.has('password-stdin')) {
    const line = (await input.stdin()).split(/\r?\n/)[0] ?? '';
    return line === '' ? 'standard input held no password' : { password: line };
  }
  const given = one(args, 'password');
  return given === undefined ? {} : { password: given };
};

const claimsOf = (args: Args): Record<string, unknown> | undefined | string => {
  const raw = one(args, 'claims');
  const name = one(args, 'name');
  let claims: Record<string, unknown> | undefined;
  if (raw !== undefined) {
    try {
      const parsed: unknown = JSON.parse(raw);
      if (typeof parsed !== 'object' || parsed === null || Array.isArray(parsed)) return '--claims must be a JSON object';
      claims = parsed as Record<string, unknown>;
    } catch {
      return '--claims is not valid JSON';
    }
  }
  return name === undefined ? claims : { ...claims, name };
};

const userCommands: Readonly<Record<string, UserCommand>> = {
  add: async (users, args, io, input) => {
    const username = args.positional[0] ?? one(args, 'username');
    if (username === undefined) return usageError(io, 'user add <username> [--email E] [--name N] [--claims JSON] [--password-stdin | --password P] [--admin] [--verified]');
    const password = await passwordOf(args, input);
    if (typeof password === 'string') return usageError(io, password);
    const claims = claimsOf(args);
    if (typeof claims === 'string') return usageError(io, claims);
    const email = one(args, 'email');
    const r = await users.create({
      username,
      ...password,
      ...(email === undefined ? {} : { email }),
      ...(claims === undefined ? {} : { claims }),
      ...(args.flags.has('admin') ? { admin: true } : {}),
      ...(args.flags.has('verified') ? { email_verified: true } : {}),
    });
    return report(r, args, io, username, (u) => ({ json: u, text: `${userText(u)}${password.password === undefined ? '\n(no password yet: grantor user set-password)' : ''}` }));
  },
  list: async (users, args, io) => {
    const limit = Number(one(args, 'limit') ?? '100');
    if (!Number.isInteger(limit) || limit < 1 || limit > 1000) return usageError(io, '--limit must be an integer from 1 to 1000');
    const search = one(args, 'search');
    const cursor = one(args, 'cursor');
    const page = await users.list({ limit, ...(search === undefined ? {} : { search }), ...(cursor === undefined ? {} : { cursor }) });
    io.out(
      asJson(args)
        ? JSON.stringify({ items: page.items, ...(page.next === undefined ? {} : { next_cursor: page.next }) }, null, 2)
        : table(
            ['USERNAME', 'SUBJECT', 'EMAIL', 'ORIGIN', 'ADMIN', 'DISABLED'],
            page.items.map((u) => [u.username, u.subject, u.email ?? '', u.origin, u.admin ? 'yes' : '', u.disabled ? 'yes' : '']),
          ) + (page.next === undefined ? '' : `\n(more: --cursor ${page.next})`),
    );
    return 0;
  },
  show: async (users, args, io) => {
    const id = args.positional[0];
    if (id === undefined) return usageError(io, 'user show <username or subject>');
    return report(await users.get(id), args, io, id, shown);
  },
  update: async (users, args, io) => {
    const id = args.positional[0];
    if (id === undefined) return usageError(io, 'user update <username or subject> [--email E] [--claims JSON] [--name N] [--admin|--no-admin] [--verified]');
    const claims = claimsOf(args);
    if (typeof claims === 'string') return usageError(io, claims);
    const email = one(args, 'email');
    const admin = args.flags.has('admin') ? true : args.flags.has('no-admin') ? false : undefined;
    return report(
      await users.update(id, {
        ...(email === undefined ? {} : { email }),
        ...(claims === undefined ? {} : { claims }),
        ...(admin === undefined ? {} : { admin }),
        ...(args.flags.has('verified') ? { email_verified: true } : {}),
      }),
      args,
      io,
      id,
      shown,
    );
  },
  'set-password': async (users, args, io, input) => {
    const id = args.positional[0];
    const password = await passwordOf(args, input);
    if (typeof password === 'string') return usageError(io, password);
    if (id === undefined || password.password === undefined) return usageError(io, 'user set-password <username or subject> --password-stdin | --password P');
    return report(await users.setPassword(id, password.password), args, io, id, (u) => ({ json: u, text: `password of ${u.username} set` }));
  },
  disable: async (users, args, io) => {
    const id = args.positional[0];
    if (id === undefined) return usageError(io, 'user disable <username or subject>');
    return report(await users.setDisabled(id, true), args, io, id, (u) => ({ json: u, text: `${u.username} disabled (their tokens are revoked)` }));
  },
  enable: async (users, args, io) => {
    const id = args.positional[0];
    if (id === undefined) return usageError(io, 'user enable <username or subject>');
    return report(await users.setDisabled(id, false), args, io, id, (u) => ({ json: u, text: `${u.username} enabled` }));
  },
  delete: async (users, args, io) => {
    const id = args.positional[0];
    if (id === undefined) return usageError(io, 'user delete <username or subject>');
    return report(await users.remove(id), args, io, id, () => ({ json: { deleted: id }, text: `${id} deleted with their tokens and consents` }));
  },
};

export const runUserCommand = (sub: string | undefined, users: UserAdmin, args: Args, io: Output, input: PasswordSource): Promise<number> | undefined =>
  userCommands[sub ?? '']?.(users, args, io, input);

export const userSwitches: readonly string[] = ['admin', 'no-admin', 'verified', 'password-stdin'];
