import type { Option } from 'fp-ts/lib/Option.js';
import type { TaskEither } from 'fp-ts/lib/TaskEither.js';
import type { StoreError } from '../errors/store-error.js';
import type { ConsumeOutcome } from './stores.js';

/**
 * A local end-user account of a host that signs people in itself (sign-up, password login, recovery). The core never
 * reads it: it needs only claims by subject (`UserClaimsSource`). `passwordHash` is a slow KDF's output (argon2id in
 * the reference server), never a password; `username` is unique, `email` is kept lower-cased by the host.
 */
export interface UserAccount {
  /** OIDC `sub` (Core §2): stable, never reassigned. */
  readonly subject: string;
  /** The login name (unique). Accounts made by sign-up use their email address. */
  readonly username: string;
  readonly email?: string;
  /** OIDC Core §5.1 `email_verified`: the person proved control of `email`. */
  readonly emailVerified: boolean;
  readonly passwordHash: string;
  /** Other OIDC claims (Core §5.1: name, given_name, …), released by scope. */
  readonly claims: Readonly<Record<string, unknown>>;
  /** A disabled account cannot sign in. */
  readonly disabled: boolean;
  /** How the account came to be (`seed`, `signup`, `admin`, …): the host's policies may differ by origin. */
  readonly origin: string;
  /** Epoch seconds. */
  readonly createdAt: number;
  readonly lastLoginAt?: number;
}

/** The changeable parts of an account (`update`); `email: undefined` removes the address. */
export type UserAccountChange = Partial<Pick<UserAccount, 'emailVerified' | 'passwordHash' | 'claims' | 'disabled' | 'lastLoginAt'>> & {
  readonly email?: string | undefined;
};

/**
 * Local user accounts. `create` is the one atomic decision on a new username: concurrent sign-ups with one address
 * make one account (`Taken` for the rest). `save` replaces the account with that subject, or inserts it (seeding).
 */
export interface UserStore {
  readonly findBySubject: (subject: string) => TaskEither<StoreError, Option<UserAccount>>;
  readonly findByUsername: (username: string) => TaskEither<StoreError, Option<UserAccount>>;
  /** The accounts with this (lower-cased) address; seeded accounts may share one. */
  readonly findByEmail: (email: string) => TaskEither<StoreError, readonly UserAccount[]>;
  readonly create: (account: UserAccount) => TaskEither<StoreError, { readonly _tag: 'Created' } | { readonly _tag: 'Taken' }>;
  readonly save: (account: UserAccount) => TaskEither<StoreError, void>;
  /** Changes the given fields; false when there is no such subject. */
  readonly update: (subject: string, change: UserAccountChange) => TaskEither<StoreError, boolean>;
}

/** What an account token proves when followed: control of an address (the account's, or a new one it moves to), the right to set a new password, or an invitation to sign up. */
export type AccountTokenPurpose = 'verify-email' | 'change-email' | 'reset-password' | 'invite';

/**
 * A single-use token mailed to a person (email verification, password reset). Only its SHA-256 is stored, like every
 * bearer value; `consumedAt` is set once, by `consume`.
 */
export interface AccountTokenRecord {
  readonly tokenHash: string;
  readonly purpose: AccountTokenPurpose;
  readonly subject: string;
  /** The address the token was sent to (verification proves this one). */
  readonly email: string;
  readonly issuedAt: number;
  readonly expiresAt: number;
  readonly consumedAt?: number;
}

/** Single-use account tokens: `consume` is one compare-and-set (a token works once, however many requests race). */
export interface AccountTokenStore {
  readonly save: (record: AccountTokenRecord) => TaskEither<StoreError, void>;
  /** Sets `consumedAt = now` when unset; returns the record as it was before. Expiry is judged by the caller. */
  readonly consume: (tokenHash: string, now: number) => TaskEither<StoreError, ConsumeOutcome<AccountTokenRecord>>;
}
