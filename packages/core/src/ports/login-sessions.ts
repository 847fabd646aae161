import type { Option } from 'fp-ts/lib/Option.js';
import type { TaskEither } from 'fp-ts/lib/TaskEither.js';
import type { StoreError } from '../errors/store-error.js';

/**
 * A signed-in browser session of a host that signs people in itself (the reference server's pages). Only the SHA-256
 * of the session id (the cookie's value) is kept, like every bearer value. Times are epoch seconds.
 */
export interface LoginSessionRecord {
  /** SHA-256 (base64url) of the session id the browser presents. */
  readonly idHash: string;
  readonly subject: string;
  /** OIDC Core §2 `auth_time`: when the person last authenticated in this session. */
  readonly authTime: number;
  /** RFC 8176 authentication method references of that authentication (`pwd`, `otp`, …). */
  readonly amr: readonly string[];
  /** The authorization request (interaction) this session signed in for, so `prompt=login` asks once per request. */
  readonly interactionId?: string;
  readonly createdAt: number;
  readonly lastSeenAt: number;
  /** Idle expiry, moved forward by `touch`. */
  readonly expiresAt: number;
  /** What the browser called itself at sign-in (a truncated `User-Agent`), shown to the person among their sessions. */
  readonly userAgent?: string;
}

/**
 * Signed-in browser sessions, shared by every instance of a host. `find` returns expired records too (the caller
 * judges expiry with its clock); the store's `Sweeper` deletes them once expired.
 */
export interface LoginSessionStore {
  /** Saves a new session, then keeps the subject's newest `maxPerSubject` sessions (by `createdAt`): the oldest go first. */
  readonly create: (record: LoginSessionRecord, maxPerSubject: number) => TaskEither<StoreError, void>;
  readonly find: (idHash: string) => TaskEither<StoreError, Option<LoginSessionRecord>>;
  /** Records activity: sets `lastSeenAt` and `expiresAt` (a sliding idle expiry). No-op for an unknown session. */
  readonly touch: (idHash: string, lastSeenAt: number, expiresAt: number) => TaskEither<StoreError, void>;
  /** The subject's sessions, newest first. */
  readonly listBySubject: (subject: string) => TaskEither<StoreError, readonly LoginSessionRecord[]>;
  /** Ends one session (sign-out): true when it existed. */
  readonly remove: (idHash: string) => TaskEither<StoreError, boolean>;
  /** Ends every session of the subject but `keep` (sign out everywhere else; all of them without `keep`): how many ended. */
  readonly removeBySubject: (subject: string, keep?: string) => TaskEither<StoreError, number>;
}
