import * as O from 'fp-ts/lib/Option.js';
import * as TE from 'fp-ts/lib/TaskEither.js';
import { pipe } from 'fp-ts/lib/function.js';
import type { UserClaimsSource } from '@grantor/core';
import type { UserAccount, UserStore } from '@grantor/core/extend';
import type { SeedUser } from '../seed.js';
import { dummyHash, hashPassword, verifyPassword } from './passwords.js';

/** What the pages know of a signed-in person. */
interface User {
  readonly username: string;
  readonly subject: string;
  readonly claims: Readonly<Record<string, unknown>>;
}

/** The outcome of a password check. */
type Verified =
  | { readonly _tag: 'Ok'; readonly user: User }
  | { readonly _tag: 'Wrong' }
  /** Right password, but the address given at sign-up is not confirmed yet. */
  | { readonly _tag: 'Unverified'; readonly account: UserAccount };

/** The users of the pages, over the `UserStore` port: password check (argon2id), lookups, OIDC claims. */
export interface UserDirectory {
  readonly check: (username: string, password: string) => Promise<Verified>;
  readonly bySubject: (subject: string) => Promise<User | undefined>;
  readonly claimsSource: UserClaimsSource;
  readonly store: UserStore;
}

const unwrap = async <A>(te: TE.TaskEither<{ readonly detail: string }, A>): Promise<A> => {
  const r = await te();
  if (r._tag === 'Left') throw new Error(`user store: ${r.left.detail}`);
  return r.right;
};

/** The address as stored and compared: trimmed and lower-cased. */
export const normalizeEmail = (email: string): string => email.trim().toLowerCase();

/** The address as the person typed it (kept in the claims), while it is still the account's address. */
const typedEmail = (a: UserAccount): string | undefined => {
  const typed = a.claims['email'];
  return typeof typed === 'string' && normalizeEmail(typed) === a.email ? typed : undefined;
};

/**
 * OIDC claims of an account: a seeded account's claims as the seed gave them; for the others, their claims with
 * `email` (as typed at sign-up, when that is still the account's address) and `email_verified` (OIDC Core §5.1).
 */
const claimsOf = (a: UserAccount): Readonly<Record<string, unknown>> =>
  a.origin === 'seed'
    ? { ...a.claims, sub: a.subject }
    : { ...a.claims, ...(a.email === undefined ? {} : { email: typedEmail(a) ?? a.email, email_verified: a.emailVerified }), sub: a.subject };

const toUser = (a: UserAccount): User => ({ username: a.username, subject: a.subject, claims: claimsOf(a) });

/** The core's `UserClaimsSource` over the accounts (disabled accounts have no claims). */
export const claimsSourceOf = (store: UserStore): UserClaimsSource => ({
  claims: (subject) => pipe(store.findBySubject(subject), TE.map(O.flatMap((a) => (a.disabled ? O.none : O.some(claimsOf(a)))))),
});

export const createUserDirectory = async (store: UserStore, now: () => number): Promise<UserDirectory> => {
  const dummy = await dummyHash();
  /** By login name; an address typed with other capitals or spaces finds the account made by sign-up. */
  const find = async (username: string): Promise<UserAccount | undefined> => {
    const exact = await unwrap(store.findByUsername(username));
    if (O.isSome(exact)) return exact.value;
    if (!username.includes('@')) return undefined;
    const folded = await unwrap(store.findByUsername(normalizeEmail(username)));
    return O.isSome(folded) ? folded.value : undefined;
  };
  return {
    store,
    check: async (username, password) => {
      const account = await find(username);
      // Unknown usernames cost one argon2 verification too (no user enumeration by timing).
      const ok = await verifyPassword(account?.passwordHash ?? dummy, password);
      if (!ok || account === undefined || account.disabled) return { _tag: 'Wrong' };
      if (account.origin === 'signup' && !account.emailVerified) return { _tag: 'Unverified', account };
      await unwrap(store.update(account.subject, { lastLoginAt: Math.floor(now()) }));
      return { _tag: 'Ok', user: toUser(account) };
    },
    bySubject: async (subject) => {
      const found = await unwrap(store.findBySubject(subject));
      return O.isSome(found) && !found.value.disabled ? toUser(found.value) : undefined;
    },
    claimsSource: claimsSourceOf(store),
  };
};

/**
 * Puts the seed's users into the store (acceptance interface §2: clear passwords, hashed here), keyed by `sub`.
 * SEED_MODE=missing (default): a stored account keeps what happened to it since (a reset password, a disabled flag);
 * `overwrite`: the seed's version is saved again, unless the account already matches it (same username, claims and
 * password), so several workers starting at once do not rewrite it.
 */
export const seedUsers = async (store: UserStore, users: readonly SeedUser[], now: number, mode: 'missing' | 'overwrite' = 'missing'): Promise<void> => {
  for (const u of users) {
    const email = typeof u.claims['email'] === 'string' ? normalizeEmail(u.claims['email']) : undefined;
    const existing = await unwrap(store.findBySubject(u.claims.sub));
    if (O.isSome(existing) && mode === 'missing') continue;
    if (
      O.isSome(existing) &&
      existing.value.username === u.username &&
      existing.value.origin === 'seed' &&
      !existing.value.disabled &&
      JSON.stringify(existing.value.claims) === JSON.stringify(u.claims) &&
      (await verifyPassword(existing.value.passwordHash, u.password))
    ) {
      continue;
    }
    await unwrap(
      store.save({
        subject: u.claims.sub,
        username: u.username,
        ...(email === undefined ? {} : { email }),
        emailVerified: u.claims['email_verified'] === true,
        passwordHash: await hashPassword(u.password),
        claims: u.claims,
        disabled: false,
        origin: 'seed',
        createdAt: O.isSome(existing) ? existing.value.createdAt : Math.floor(now),
      }),
    );
  }
};
