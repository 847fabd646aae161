import { randomUUID } from 'node:crypto';
import * as O from 'fp-ts/lib/Option.js';
import type { AdminOperations, Page } from '@grantor/core';
import type { LoginSessionStore, UserAccount, UserAccountChange, UserStore } from '@grantor/core/extend';
import { normalizeEmail } from './directory.js';
import { hashPassword, passwordProblem } from './passwords.js';

/**
 * The operator's operations on the reference server's local accounts (over the `UserStore` port): one set for the
 * admin API, the `grantor` command and the console. Passwords are hashed with argon2id (`passwords.ts`) and checked
 * like the pages check them (NIST SP 800-63B §5.1.1.2 length rules). Store faults reject; bad input never does.
 */
export type UserResult<A> =
  | { readonly _tag: 'Done'; readonly value: A }
  /** No account with that subject (or username). */
  | { readonly _tag: 'Missing' }
  /** Bad input, in words that name the field. */
  | { readonly _tag: 'Invalid'; readonly description: string };

/** What the faces show of an account: never the password hash. */
export interface UserView {
  readonly subject: string;
  readonly username: string;
  readonly email?: string;
  readonly email_verified: boolean;
  readonly claims: Readonly<Record<string, unknown>>;
  readonly disabled: boolean;
  readonly admin: boolean;
  readonly origin: string;
  readonly created_at: number;
  readonly last_login_at?: number;
}

const userView = (a: UserAccount): UserView => ({
  subject: a.subject,
  username: a.username,
  ...(a.email === undefined ? {} : { email: a.email }),
  email_verified: a.emailVerified,
  claims: a.claims,
  disabled: a.disabled,
  admin: a.admin === true,
  origin: a.origin,
  created_at: a.createdAt,
  ...(a.lastLoginAt === undefined ? {} : { last_login_at: a.lastLoginAt }),
});

export interface UserAdmin {
  readonly list: (query: { readonly limit: number; readonly cursor?: string; readonly search?: string }) => Promise<Page<UserView>>;
  /** By subject, else by username. */
  readonly get: (id: string) => Promise<UserResult<UserView>>;
  /** `{ username, password?, email?, email_verified?, claims?, admin? }`; without a password nobody can sign in until one is set. */
  readonly create: (input: Readonly<Record<string, unknown>>) => Promise<UserResult<UserView>>;
  /** `{ email?, email_verified?, claims?, admin? }`: `claims` replaces the claims; `email: null` removes the address. */
  readonly update: (id: string, input: Readonly<Record<string, unknown>>) => Promise<UserResult<UserView>>;
  readonly setPassword: (id: string, password: unknown) => Promise<UserResult<UserView>>;
  /** Disabling also revokes the account's tokens and ends its browser sessions: a disabled person keeps no access. */
  readonly setDisabled: (id: string, disabled: boolean) => Promise<UserResult<UserView>>;
  /** Deletes the account with its tokens and consents. */
  readonly remove: (id: string) => Promise<UserResult<void>>;
}

const unwrap = async <A>(te: () => Promise<{ readonly _tag: 'Left'; readonly left: { readonly detail: string } } | { readonly _tag: 'Right'; readonly right: A }>): Promise<A> => {
  const r = await te();
  if (r._tag === 'Left') throw new Error(`user store: ${r.left.detail}`);
  return r.right;
};

const invalid = (description: string): UserResult<never> => ({ _tag: 'Invalid', description });
const missing: UserResult<never> = { _tag: 'Missing' };

/** Claims the account owns by construction: an operator cannot set them through `claims`. */
const reservedClaims = ['sub', 'email', 'email_verified'];

const checkClaims = (claims: unknown): string | undefined => {
  if (claims === undefined) return undefined;
  if (typeof claims !== 'object' || claims === null || Array.isArray(claims)) return 'claims must be a JSON object.';
  const reserved = Object.keys(claims).filter((k) => reservedClaims.includes(k));
  return reserved.length === 0 ? undefined : `claims may not set ${reserved.join(', ')} (use email and email_verified).`;
};

const checkEmail = (email: unknown, nullable: boolean): string | undefined => {
  if (email === undefined || (nullable && email === null)) return undefined;
  return typeof email === 'string' && /^[^\s@]+@[^\s@]+$/.test(email.trim()) ? undefined : 'email must be an email address.';
};

const checkBoolean = (name: string, value: unknown): string | undefined => (value === undefined || typeof value === 'boolean' ? undefined : `${name} must be true or false.`);

export const createUserAdmin = (deps: {
  readonly store: UserStore;
  readonly operations: Pick<AdminOperations, 'tokens' | 'consents'>;
  /** The signed-in browser sessions: disabling or deleting a person signs them out everywhere. */
  readonly sessions: Pick<LoginSessionStore, 'removeBySubject'>;
  readonly now: () => number;
}): UserAdmin => {
  const { store } = deps;
  const find = async (id: string): Promise<UserAccount | undefined> => {
    const bySubject = await unwrap(store.findBySubject(id));
    if (O.isSome(bySubject)) return bySubject.value;
    const byName = await unwrap(store.findByUsername(id));
    return O.isSome(byName) ? byName.value : undefined;
  };
  const reread = async (subject: string): Promise<UserResult<UserView>> => {
    const a = await unwrap(store.findBySubject(subject));
    return O.isSome(a) ? { _tag: 'Done', value: userView(a.value) } : missing;
  };
  const change = async (id: string, patch: UserAccountChange): Promise<UserResult<UserView>> => {
    const a = await find(id);
    if (a === undefined) return missing;
    if (!(await unwrap(store.update(a.subject, patch)))) return missing;
    return reread(a.subject);
  };
  /** A disabled or deleted person keeps no access: every token revoked, every browser session ended. */
  const revokeEverything = async (subject: string): Promise<void> => {
    const tokens = await deps.operations.tokens.revokeOf({ subject });
    if (tokens._tag === 'Failed') throw new Error(`revoking the tokens of ${subject}: ${tokens.error.description}`);
    await unwrap(deps.sessions.removeBySubject(subject));
  };
  return {
    list: async (query) => {
      const page = await unwrap(store.list(query));
      return { items: page.items.map(userView), ...(page.next === undefined ? {} : { next: page.next }) };
    },
    get: async (id) => {
      const a = await find(id);
      return a === undefined ? missing : { _tag: 'Done', value: userView(a) };
    },
    create: async (input) => {
      const { username, password, email, claims } = input;
      if (typeof username !== 'string' || username.trim() === '' || username.length > 255) return invalid('username must be a non-empty string of at most 255 characters.');
      const problem =
        checkEmail(email, false) ?? checkClaims(claims) ?? checkBoolean('email_verified', input['email_verified']) ?? checkBoolean('admin', input['admin']) ?? (password !== undefined && typeof password !== 'string' ? 'password must be a string.' : undefined);
      if (problem !== undefined) return invalid(problem);
      const address = typeof email === 'string' ? normalizeEmail(email) : undefined;
      if (typeof password === 'string') {
        const weak = await passwordProblem(password, address, undefined);
        if (weak !== undefined) return invalid(`password: ${weak}`);
      }
      const account: UserAccount = {
        subject: randomUUID(),
        username: username.trim(),
        ...(address === undefined ? {} : { email: address }),
        emailVerified: input['email_verified'] === true,
        // Without a password: a hash no password verifies against (argon2 of 256 random bits, never kept).
        passwordHash: await hashPassword(typeof password === 'string' ? password : randomUUID() + randomUUID()),
        claims: (claims as Readonly<Record<string, unknown>> | undefined) ?? {},
        disabled: false,
        origin: 'admin',
        createdAt: Math.floor(deps.now()),
        ...(input['admin'] === true ? { admin: true } : {}),
      };
      const created = await unwrap(store.create(account));
      if (created._tag === 'Taken') return invalid(`username ${account.username} is taken.`);
      return { _tag: 'Done', value: userView(account) };
    },
    update: async (id, input) => {
      const problem = checkEmail(input['email'], true) ?? checkClaims(input['claims']) ?? checkBoolean('email_verified', input['email_verified']) ?? checkBoolean('admin', input['admin']);
      if (problem !== undefined) return invalid(problem);
      const { email, claims } = input;
      const patch: UserAccountChange = {
        ...(email === undefined ? {} : { email: typeof email === 'string' ? normalizeEmail(email) : undefined }),
        ...(claims === undefined ? {} : { claims: claims as Readonly<Record<string, unknown>> }),
        ...(typeof input['email_verified'] === 'boolean' ? { emailVerified: input['email_verified'] } : {}),
        ...(typeof input['admin'] === 'boolean' ? { admin: input['admin'] } : {}),
      };
      return change(id, patch);
    },
    setPassword: async (id, password) => {
      if (typeof password !== 'string') return invalid('password must be a string.');
      const a = await find(id);
      if (a === undefined) return missing;
      const weak = await passwordProblem(password, a.email, undefined);
      if (weak !== undefined) return invalid(`password: ${weak}`);
      return change(a.subject, { passwordHash: await hashPassword(password) });
    },
    setDisabled: async (id, disabled) => {
      const result = await change(id, { disabled });
      if (result._tag === 'Done' && disabled) await revokeEverything(result.value.subject);
      return result;
    },
    remove: async (id) => {
      const a = await find(id);
      if (a === undefined) return missing;
      await revokeEverything(a.subject);
      const consents = await deps.operations.consents.revoke({ subject: a.subject });
      if (consents._tag === 'Failed') throw new Error(`forgetting the consents of ${a.subject}: ${consents.error.description}`);
      return (await unwrap(store.remove(a.subject))) ? { _tag: 'Done', value: undefined } : missing;
    },
  };
};
