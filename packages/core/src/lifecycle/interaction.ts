import * as E from 'fp-ts/lib/Either.js';
import { invalidRequest, type OAuthError } from '../errors/oauth-error.js';
import type { InteractionRecord } from '../domain/records.js';
import type { ConsumeOutcome } from '../ports/stores.js';

/**
 * The life of an interaction (the pending authorization request handed to the host's login/consent pages):
 * `pending` until it is finished (approved, denied or failed, at most once) or until `expiresAt`.
 */
export type InteractionStatus = 'pending' | 'finished' | 'expired';

/** The status of an interaction at `now` (epoch seconds). A finished interaction stays finished after expiry. */
export const interactionStatus = (record: InteractionRecord, now: number): InteractionStatus =>
  record.finishedAt !== undefined ? 'finished' : now >= record.expiresAt ? 'expired' : 'pending';

const notFound = (): OAuthError => invalidRequest('The interaction is unknown.', 'interaction not found');
const alreadyFinished = (): OAuthError => invalidRequest('The interaction has already been completed.', 'interaction already finished');
const expired = (): OAuthError => invalidRequest('The interaction has expired; start the authorization again.', 'interaction expired');

/** A pending interaction may be shown to the user; a finished or expired one may not. */
export const requirePending = (record: InteractionRecord, now: number): E.Either<OAuthError, InteractionRecord> => {
  switch (interactionStatus(record, now)) {
    case 'pending':
      return E.right(record);
    case 'finished':
      return E.left(alreadyFinished());
    case 'expired':
      return E.left(expired());
  }
};

/**
 * The one transition: `pending → finished` at `now`. Finishing twice, or after expiry, is an error, so one
 * authorization request yields at most one authorization response (RFC 6749 §4.1.2: a code is issued once per
 * request; RFC 9700 §4.5 limits the window of an authorization request).
 */
export const finishInteraction = (record: InteractionRecord, now: number): E.Either<OAuthError, InteractionRecord> =>
  E.map((r: InteractionRecord) => ({ ...r, finishedAt: Math.floor(now) }))(requirePending(record, now));

/**
 * Judges the outcome of the store's atomic `finish` (which sets `finishedAt` only when it was unset): the call that
 * won the compare-and-set may continue if the interaction had not yet expired; every other caller is refused.
 */
export const judgeFinishOutcome = (
  outcome: ConsumeOutcome<InteractionRecord>,
  now: number,
): E.Either<OAuthError, InteractionRecord> => {
  switch (outcome._tag) {
    case 'NotFound':
      return E.left(notFound());
    case 'AlreadyConsumed':
      return E.left(alreadyFinished());
    case 'Consumed':
      return finishInteraction(outcome.record, now);
  }
};

/** The error for an interaction id the store does not know. */
export const interactionNotFound = notFound;
