import * as E from 'fp-ts/lib/Either.js';
import { invalidGrant, invalidRequest, oauthError, type OAuthError } from '../errors/oauth-error.js';
import type { DeviceCodeRecord } from '../domain/records.js';
import type { ConsumeOutcome } from '../ports/stores.js';

/** What a poll of the token endpoint leads to: tokens (after the atomic consume), or an error response. */
export type PollVerdict = { readonly _tag: 'Issue' } | { readonly _tag: 'Refuse'; readonly error: OAuthError };

/** The verdict of one poll and the polling interval to store from now on. */
export interface PollStep {
  readonly interval: number;
  readonly verdict: PollVerdict;
}

const refuse = (error: OAuthError): PollVerdict => ({ _tag: 'Refuse', error });

export const expiredToken = (): OAuthError => oauthError('expired_token', 'The device code has expired; start a new device authorization.');
export const slowDown = (): OAuthError => oauthError('slow_down', 'Polling too fast; wait longer between requests.');
export const authorizationPending = (): OAuthError => oauthError('authorization_pending', 'The user has not yet completed the authorization.');
export const deviceAccessDenied = (): OAuthError => oauthError('access_denied', 'The user denied the authorization request.');
const alreadyUsed = (): OAuthError => invalidGrant('The device code has already been used.', 'device code consumed');

/** True when the device authorization can no longer be used at `now` (RFC 8628 §3.2 `expires_in`). */
export const isDeviceCodeExpired = (record: DeviceCodeRecord, now: number): boolean => Math.floor(now) >= record.expiresAt;

/**
 * RFC 8628 §3.5, judged from the record as it was before this poll (the store records every poll atomically):
 * 1. an expired device code is `expired_token`;
 * 2. a poll sooner than `interval` seconds after the previous poll is `slow_down` (the first poll may come at any
 *    time). The +5 s of §3.5 is the client's duty; the server holds every client to the interval it advertised, so a
 *    client that keeps to `interval` after a `slow_down` is never punished again;
 * 3. otherwise by status: pending → `authorization_pending`, denied → `access_denied`, consumed → `invalid_grant`,
 *    approved → tokens (once: the caller must still win the atomic consume).
 */
export const judgePoll = (previous: DeviceCodeRecord, now: number): PollStep => {
  const t = Math.floor(now);
  if (isDeviceCodeExpired(previous, t)) return { interval: previous.interval, verdict: refuse(expiredToken()) };
  if (previous.lastPolledAt !== undefined && t - previous.lastPolledAt < previous.interval) {
    return { interval: previous.interval, verdict: refuse(slowDown()) };
  }
  const keep = (verdict: PollVerdict): PollStep => ({ interval: previous.interval, verdict });
  switch (previous.status) {
    case 'pending':
      return keep(refuse(authorizationPending()));
    case 'denied':
      return keep(refuse(deviceAccessDenied()));
    case 'consumed':
      return keep(refuse(alreadyUsed()));
    case 'approved':
      return keep({ _tag: 'Issue' });
  }
};

/**
 * RFC 8628 §3.5: an approved device code yields tokens exactly once. Judges the store's atomic `approved → consumed`
 * move: only the call that made it may issue tokens.
 */
export const judgeConsume = (outcome: ConsumeOutcome<DeviceCodeRecord>): E.Either<OAuthError, DeviceCodeRecord> => {
  switch (outcome._tag) {
    case 'NotFound':
      return E.left(invalidGrant('The device code is invalid.', 'device code not found at consume'));
    case 'AlreadyConsumed':
      return E.left(outcome.record.status === 'denied' ? deviceAccessDenied() : alreadyUsed());
    case 'Consumed':
      return outcome.record.status === 'approved' ? E.right(outcome.record) : E.left(alreadyUsed());
  }
};

/** A user's decision on the verification page (RFC 8628 §3.3). */
export type DeviceDecision =
  | { readonly approved: true; readonly subject: string; readonly scope: readonly string[]; readonly authTime: number }
  | { readonly approved: false };

const userCodeInvalid = (): OAuthError => invalidRequest('The code is not valid.', 'user code unknown');
const userCodeUsed = (): OAuthError => invalidRequest('The code has already been used.', 'user code already decided');

/** RFC 8628 §3.3: only a pending, unexpired device authorization can be shown to and decided by the user. */
export const requireDecidable = (record: DeviceCodeRecord, now: number): E.Either<OAuthError, DeviceCodeRecord> =>
  isDeviceCodeExpired(record, now)
    ? E.left(expiredToken())
    : record.status === 'pending'
      ? E.right(record)
      : E.left(userCodeUsed());

/** The pure transition of a decision: `pending → approved | denied` (RFC 8628 §3.3). */
export const decideDeviceCode = (record: DeviceCodeRecord, decision: DeviceDecision, now: number): E.Either<OAuthError, DeviceCodeRecord> =>
  E.map((r: DeviceCodeRecord): DeviceCodeRecord =>
    decision.approved
      ? { ...r, status: 'approved', subject: decision.subject, grantedScope: decision.scope, authTime: decision.authTime }
      : { ...r, status: 'denied' },
  )(requireDecidable(record, now));

/** Judges the store's atomic `decide`: only the call that moved a pending, unexpired authorization succeeded. */
export const judgeDecideOutcome = (outcome: ConsumeOutcome<DeviceCodeRecord>, now: number): E.Either<OAuthError, DeviceCodeRecord> => {
  switch (outcome._tag) {
    case 'NotFound':
      return E.left(userCodeInvalid());
    case 'AlreadyConsumed':
      return E.left(userCodeUsed());
    case 'Consumed':
      return requireDecidable(outcome.record, now);
  }
};

export const userCodeNotFound = userCodeInvalid;

/**
 * The whole poll as a pure step over the record, the model the store and grant implement together: record the poll
 * (time and interval), then, when the verdict is to issue, consume. `result` is the approved record on success.
 */
export const pollDeviceCode = (
  record: DeviceCodeRecord,
  now: number,
): { readonly next: DeviceCodeRecord; readonly result: E.Either<OAuthError, DeviceCodeRecord> } => {
  const step = judgePoll(record, now);
  const polled: DeviceCodeRecord = { ...record, lastPolledAt: Math.floor(now), interval: step.interval };
  if (step.verdict._tag === 'Refuse') return { next: polled, result: E.left(step.verdict.error) };
  return { next: { ...polled, status: 'consumed' }, result: E.right(record) };
};
