import * as E from 'fp-ts/lib/Either.js';
import { invalidGrant, invalidScope } from '../errors/oauth-error.js';
import type { RefreshTokenRecord } from '../domain/records.js';
import { isSubset, type Scope } from '../domain/scope.js';
import type { RotateOutcome } from '../ports/stores.js';
import { reject, revokeGrant, type Rejection } from './rejection.js';
import { optional } from '../domain/optional.js';

/**
 * The life of one refresh token in its family (RFC 9700 §4.14.2): `active` until rotated (once, by the store's atomic
 * `rotate`), revoked, or expired. Every use rotates: the presented token becomes `rotated` and its successor, with
 * the same `grantId` and `grantedScope`, becomes the family's active token.
 */
export type RefreshStatus = 'active' | 'rotated' | 'revoked' | 'expired';

export const refreshStatus = (record: RefreshTokenRecord, now: number): RefreshStatus =>
  record.revokedAt !== undefined ? 'revoked' : record.rotatedAt !== undefined ? 'rotated' : now >= record.expiresAt ? 'expired' : 'active';

/** What a refresh request presents (RFC 6749 §6). `scope` absent = the scope originally granted. */
export interface RefreshPresentation {
  readonly clientId: string;
  readonly scope?: Scope;
}

/**
 * RFC 9700 §4.14.2: a refresh token that was already rotated (or revoked) and is presented again signals theft; the
 * request is refused and the whole family revoked. A retry within `graceSeconds` after rotation (a lost response,
 * a concurrent double submit) is refused without revoking.
 */
const reused = (record: RefreshTokenRecord, now: number, graceSeconds: number): Rejection => {
  const withinGrace = record.revokedAt === undefined && record.rotatedAt !== undefined && graceSeconds > 0 && now - record.rotatedAt <= graceSeconds;
  return withinGrace
    ? reject(invalidGrant('The refresh token has already been used.', 'refresh token reuse within grace window'))
    : reject(invalidGrant('The refresh token is no longer valid.', 'refresh token reuse: family revoked'), [revokeGrant(record.grantId)]);
};

/**
 * The retry window of RFC 9700 §4.14.2 ("a lost response"): when a token rotated at most `graceSeconds` ago is
 * presented again by its own client, the hash of its successor — the token the lost reply carried — so the request
 * may proceed from that successor if nobody has used it yet (see {@link unusedSuccessor}). `undefined` otherwise.
 */
export const graceRetrySuccessor = (record: RefreshTokenRecord | undefined, clientId: string, now: number, graceSeconds: number): string | undefined =>
  record !== undefined &&
  record.revokedAt === undefined &&
  record.rotatedAt !== undefined &&
  record.successorHash !== undefined &&
  record.clientId === clientId &&
  graceSeconds > 0 &&
  now - record.rotatedAt <= graceSeconds
    ? record.successorHash
    : undefined;

/**
 * A successor that is still active — never presented, not revoked, unexpired — stands in for its retried
 * predecessor: the retry rotates it (one atomic `rotate`, so two retries cannot both win) and answers with fresh
 * tokens of the same grant and scope. The predecessor is thus usable once more, and only until the lost reply's
 * token is used; after that a retry is ordinary reuse.
 */
export const unusedSuccessor = (successor: RefreshTokenRecord | undefined, predecessor: RefreshTokenRecord, now: number): RefreshTokenRecord | undefined =>
  successor !== undefined && successor.grantId === predecessor.grantId && successor.clientId === predecessor.clientId && refreshStatus(successor, now) === 'active'
    ? successor
    : undefined;

/**
 * Judges a presented refresh token before rotation (RFC 6749 §6): it must exist, be active (else reuse handling,
 * above), belong to the requesting client ("the refresh token was issued to the authenticated client"), be
 * unexpired, and the requested scope must not exceed the originally granted scope (`invalid_scope`, RFC 6749 §6:
 * "MUST NOT include any scope not originally granted"). Returns the successor's scope.
 */
export const judgeRefreshPresentation = (
  record: RefreshTokenRecord | undefined,
  presentation: RefreshPresentation,
  now: number,
  graceSeconds: number,
): E.Either<Rejection, { readonly record: RefreshTokenRecord; readonly scope: Scope }> => {
  if (record === undefined) return E.left(reject(invalidGrant('The refresh token is invalid.', 'refresh token not found')));
  const status = refreshStatus(record, now);
  if (status === 'rotated' || status === 'revoked') return E.left(reused(record, now, graceSeconds));
  if (record.clientId !== presentation.clientId) return E.left(reject(invalidGrant('The refresh token was issued to another client.', 'client mismatch')));
  if (status === 'expired') return E.left(reject(invalidGrant('The refresh token has expired.', 'refresh token expired')));
  const scope = presentation.scope ?? record.grantedScope;
  if (!isSubset(scope, record.grantedScope)) return E.left(reject(invalidScope('The requested scope exceeds the scope originally granted.')));
  return E.right({ record, scope });
};

/** The token that replaces `previous` (same family and granted scope, fresh lifetime). */
export const successorOf = (
  previous: RefreshTokenRecord,
  next: { readonly tokenHash: string; readonly scope: Scope; readonly now: number; readonly lifetimeSeconds: number },
): RefreshTokenRecord => ({
  tokenHash: next.tokenHash,
  grantId: previous.grantId,
  clientId: previous.clientId,
  subject: previous.subject,
  scope: next.scope,
  grantedScope: previous.grantedScope,
  ...optional('resource', previous.resource),
  ...optional('nonce', previous.nonce),
  ...optional('authTime', previous.authTime),
  ...optional('dpopJkt', previous.dpopJkt),
  issuedAt: Math.floor(next.now),
  expiresAt: Math.floor(next.now) + next.lifetimeSeconds,
});

/**
 * The store's atomic `rotate`, as a pure function (fakes and model tests): an active token is marked rotated with
 * its successor's hash; anything else changes nothing.
 */
export const rotateTransition = (
  record: RefreshTokenRecord | undefined,
  successor: RefreshTokenRecord,
  now: number,
): { readonly outcome: RotateOutcome; readonly next: RefreshTokenRecord | undefined } =>
  record === undefined
    ? { outcome: { _tag: 'NotFound' }, next: undefined }
    : record.rotatedAt !== undefined || record.revokedAt !== undefined
      ? { outcome: { _tag: 'NotActive', previous: record }, next: record }
      : { outcome: { _tag: 'Rotated', previous: record }, next: { ...record, rotatedAt: Math.floor(now), successorHash: successor.tokenHash } };

/**
 * Judges the store's atomic `rotate` (RFC 9700 §4.14.2): `Rotated` means this request won and may answer with the
 * successor; `NotActive` means another request rotated (or someone revoked) the token in between: reuse handling;
 * `NotFound` is `invalid_grant`.
 */
export const judgeRotateOutcome = (outcome: RotateOutcome, now: number, graceSeconds: number): E.Either<Rejection, RefreshTokenRecord> => {
  switch (outcome._tag) {
    case 'Rotated':
      return E.right(outcome.previous);
    case 'NotActive':
      return E.left(reused(outcome.previous, now, graceSeconds));
    case 'NotFound':
      return E.left(reject(invalidGrant('The refresh token is invalid.', 'refresh token not found')));
  }
};
