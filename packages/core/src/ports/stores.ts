import type { TaskEither } from 'fp-ts/lib/TaskEither.js';
import type { Option } from 'fp-ts/lib/Option.js';
import type { StoreError } from '../errors/store-error.js';
import type { Client } from '../domain/client.js';
import type {
  AccessTokenRecord,
  AuthorizationCodeRecord,
  ConsentRecord,
  DeviceCodeRecord,
  InteractionRecord,
  RefreshTokenRecord,
} from '../domain/records.js';

/**
 * Persistence ports, one small interface per concern. Every method returns a `TaskEither<StoreError, _>`: a store
 * reports faults as values and never throws. Single-use operations are ONE atomic call (compare-and-set in the
 * store itself), never a read followed by a write.
 */

/** Registered clients. Used by client authentication (every grant) and the authorization endpoint. */
export interface ClientStore {
  readonly find: (clientId: string) => TaskEither<StoreError, Option<Client>>;
  /** Registers or replaces a client (seeding, admin operations, secret/key rotation). */
  readonly save: (client: Client) => TaskEither<StoreError, void>;
}

/**
 * The prior state of a single-use record, as seen by the one atomic call that consumed it. `Consumed` means this call
 * won the compare-and-set; `AlreadyConsumed` means an earlier call did (a replay). `NotFound` for unknown values.
 */
export type ConsumeOutcome<R> =
  | { readonly _tag: 'Consumed'; readonly record: R }
  | { readonly _tag: 'AlreadyConsumed'; readonly record: R }
  | { readonly _tag: 'NotFound' };

/** Authorization codes. Used by the authorization endpoint (issue) and the `authorization_code` grant (redeem). */
export interface AuthorizationCodeStore {
  readonly save: (record: AuthorizationCodeRecord) => TaskEither<StoreError, void>;
  /**
   * Atomically sets `redeemedAt = now` when it is unset and returns the record as it was before (RFC 6749 §4.1.2:
   * a code is used at most once). Expiry is judged by the core from the returned record.
   */
  readonly redeem: (codeHash: string, now: number) => TaskEither<StoreError, ConsumeOutcome<AuthorizationCodeRecord>>;
}

/** Access tokens (opaque by hash, JWT by `jti`). Used by every grant, introspection, revocation, userinfo, bearer. */
export interface AccessTokenStore {
  readonly save: (record: AccessTokenRecord) => TaskEither<StoreError, void>;
  readonly find: (id: string) => TaskEither<StoreError, Option<AccessTokenRecord>>;
  /** Marks one token revoked (RFC 7009). Idempotent. */
  readonly revoke: (id: string, now: number) => TaskEither<StoreError, void>;
  /**
   * Revokes every access token of a grant (code replay, refresh-token reuse, refresh revocation), and keeps the grant
   * revoked: a token of this grant saved afterwards (its issuance raced the replay) comes out revoked too, whatever
   * the interleaving (RFC 6749 §4.1.2; the store contract's "grant revocation" checks every order of the calls).
   */
  readonly revokeGrant: (grantId: string, now: number) => TaskEither<StoreError, void>;
}

/** The outcome of an atomic refresh-token rotation. */
export type RotateOutcome =
  | { readonly _tag: 'Rotated'; readonly previous: RefreshTokenRecord }
  /** The presented token was already rotated or revoked: nothing was inserted. */
  | { readonly _tag: 'NotActive'; readonly previous: RefreshTokenRecord }
  | { readonly _tag: 'NotFound' };

/** Refresh-token families. Used by the `authorization_code`, `device_code` and `refresh_token` grants, revocation. */
export interface RefreshTokenStore {
  readonly save: (record: RefreshTokenRecord) => TaskEither<StoreError, void>;
  readonly find: (tokenHash: string) => TaskEither<StoreError, Option<RefreshTokenRecord>>;
  /**
   * In one atomic step: if the token `tokenHash` is neither rotated nor revoked, mark it `rotatedAt = now`,
   * `successorHash = successor.tokenHash` and insert `successor`; otherwise change nothing and report `NotActive`.
   */
  readonly rotate: (tokenHash: string, successor: RefreshTokenRecord, now: number) => TaskEither<StoreError, RotateOutcome>;
  /**
   * Revokes every refresh token of a family (reuse detection, revocation) and keeps the family revoked: a token of it
   * saved or rotated into afterwards comes out revoked too (RFC 9700 §4.14.2, whatever the interleaving).
   */
  readonly revokeGrant: (grantId: string, now: number) => TaskEither<StoreError, void>;
}

/** Remembered consent. Used by the authorization endpoint and the interaction contract. */
export interface ConsentStore {
  readonly find: (subject: string, clientId: string) => TaskEither<StoreError, Option<ConsentRecord>>;
  /** Adds scopes to the remembered consent (union with what is there). */
  readonly grant: (record: ConsentRecord) => TaskEither<StoreError, void>;
  readonly revoke: (subject: string, clientId: string) => TaskEither<StoreError, void>;
}

/** Pending interactions between the authorization endpoint and the host's login/consent pages. */
export interface InteractionStore {
  readonly save: (record: InteractionRecord) => TaskEither<StoreError, void>;
  readonly find: (id: string) => TaskEither<StoreError, Option<InteractionRecord>>;
  /** Atomically sets `finishedAt = now` when unset; an interaction is finished at most once. */
  readonly finish: (id: string, now: number) => TaskEither<StoreError, ConsumeOutcome<InteractionRecord>>;
}

/** The outcome of recording a device poll (RFC 8628 §3.4, §3.5). */
export type PollOutcome =
  | { readonly _tag: 'Polled'; readonly previous: DeviceCodeRecord }
  | { readonly _tag: 'NotFound' };

/** RFC 8628 device authorizations. Used by the device authorization endpoint, the verification page, the grant. */
export interface DeviceCodeStore {
  readonly save: (record: DeviceCodeRecord) => TaskEither<StoreError, void>;
  readonly findByUserCode: (userCodeHash: string) => TaskEither<StoreError, Option<DeviceCodeRecord>>;
  /** Atomically moves a `pending` authorization to `approved` or `denied`; returns the prior record. */
  readonly decide: (
    userCodeHash: string,
    decision: { readonly approved: true; readonly subject: string; readonly scope: readonly string[]; readonly authTime: number } | { readonly approved: false },
  ) => TaskEither<StoreError, ConsumeOutcome<DeviceCodeRecord>>;
  /**
   * Atomically records a poll (`now` in whole epoch seconds): sets `lastPolledAt = now` and `interval = nextInterval(previous)` where the core
   * passes the interval to store; returns the record as it was before this poll.
   */
  readonly poll: (deviceCodeHash: string, now: number, interval: number) => TaskEither<StoreError, PollOutcome>;
  /** Atomically moves `approved` to `consumed` (exactly one poll receives the tokens). */
  readonly consume: (deviceCodeHash: string) => TaskEither<StoreError, ConsumeOutcome<DeviceCodeRecord>>;
}

/**
 * A replay cache for single-use identifiers (client-assertion and JWT-bearer `jti`s, RFC 7523 §3). Entries are kept
 * until `expiresAt`.
 */
export interface ReplayCache {
  /** Atomically records `key`; `true` when it was new, `false` when it had been seen (a replay). */
  readonly remember: (key: string, expiresAt: number) => TaskEither<StoreError, boolean>;
}

/** Deletes expired rows in bounded batches; returns how many were removed. */
export interface Sweeper {
  readonly sweep: (now: number) => TaskEither<StoreError, number>;
}
