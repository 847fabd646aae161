import * as E from 'fp-ts/lib/Either.js';
import * as TE from 'fp-ts/lib/TaskEither.js';
import { pipe } from 'fp-ts/lib/function.js';
import type { Client } from '../domain/client.js';
import type { DeviceCodeRecord } from '../domain/records.js';
import { isSubset, scopeDifference } from '../domain/scope.js';
import { invalidRequest, oauthError, type OAuthError } from '../errors/oauth-error.js';
import { fromStoreError } from '../errors/store-error.js';
import { normalizeUserCode } from '../grants/device-code/user-code.js';
import { judgeDecideOutcome, requireDecidable, userCodeNotFound, type DeviceDecision } from '../lifecycle/device-code.js';
import type { Clock, Logger, SecretHasher } from '../ports/runtime.js';
import type { ClientStore, DeviceCodeStore } from '../ports/stores.js';
import type { InteractionResult } from './interactions.js';
import { optional } from '../domain/optional.js';

/** The host's side of the RFC 8628 verification page. */
export interface DeviceVerificationApi {
  /** Looks a user code up (normalised: case, dashes, spaces) for the consent page. */
  readonly lookup: (userCode: string) => Promise<{ readonly _tag: 'Pending'; readonly client: Client; readonly scope: readonly string[] } | { readonly _tag: 'Invalid'; readonly error: OAuthError }>;
  readonly approve: (userCode: string, result: Omit<InteractionResult, 'rememberConsent'>) => Promise<{ readonly _tag: 'Done' } | { readonly _tag: 'Invalid'; readonly error: OAuthError }>;
  readonly deny: (userCode: string) => Promise<{ readonly _tag: 'Done' } | { readonly _tag: 'Invalid'; readonly error: OAuthError }>;
}

/** The ports the device verification contract uses. */
export interface DeviceVerificationPorts {
  readonly clients: ClientStore;
  readonly deviceCodes: DeviceCodeStore;
  readonly clock: Clock;
  readonly secrets: SecretHasher;
  readonly logger: Logger;
}

type Invalid = { readonly _tag: 'Invalid'; readonly error: OAuthError };
const invalid = (error: OAuthError): Invalid => ({ _tag: 'Invalid', error });
const unexpected = (): Invalid => invalid(oauthError('server_error', 'The authorization server encountered an unexpected condition.'));

/** RFC 8628 §6.1: the code is accepted however it was typed; only its hash is looked up. */
const userCodeHash = (ports: DeviceVerificationPorts, userCode: string): E.Either<OAuthError, string> => {
  const normalised = typeof userCode === 'string' ? normalizeUserCode(userCode) : '';
  return normalised === '' || normalised.length > 64 ? E.left(userCodeNotFound()) : E.right(ports.secrets.hash(normalised));
};

/** A pending, unexpired device authorization by user code, and its client (RFC 8628 §3.3). */
const findPending = (ports: DeviceVerificationPorts, userCode: string): TE.TaskEither<OAuthError, { readonly record: DeviceCodeRecord; readonly client: Client; readonly hash: string }> =>
  pipe(
    TE.fromEither(userCodeHash(ports, userCode)),
    TE.bindTo('hash'),
    TE.bind('record', ({ hash }) =>
      pipe(
        ports.deviceCodes.findByUserCode(hash),
        TE.mapError(fromStoreError),
        TE.flatMap(TE.fromOption(userCodeNotFound)),
        TE.flatMapEither((record) => requireDecidable(record, ports.clock.now())),
      ),
    ),
    TE.bind('client', ({ record }) =>
      pipe(
        ports.clients.find(record.clientId),
        TE.mapError(fromStoreError),
        TE.flatMap(TE.fromOption(() => invalidRequest('The device is no longer registered.', `client ${record.clientId} gone`))),
      ),
    ),
  );

/** The user's approval must name a subject and stay within the scope the device asked for (RFC 6749 §3.3). */
const validateApproval = (record: DeviceCodeRecord, result: Omit<InteractionResult, 'rememberConsent'>): E.Either<OAuthError, DeviceDecision> => {
  if (typeof result.subject !== 'string' || result.subject === '') return E.left(invalidRequest('The approval has no subject.', 'host passed an empty subject'));
  if (!Array.isArray(result.scope) || !result.scope.every((s) => typeof s === 'string')) return E.left(invalidRequest('The approved scope is invalid.'));
  if (!isSubset(result.scope, record.scope)) {
    return E.left(invalidRequest('The approved scope exceeds the requested scope.', `not requested: ${scopeDifference(result.scope, record.scope).join(' ')}`));
  }
  if (typeof result.authTime !== 'number' || !Number.isFinite(result.authTime)) return E.left(invalidRequest('The approval has no valid authTime.'));
  return E.right({ approved: true, subject: result.subject, scope: [...result.scope], authTime: Math.floor(result.authTime) });
};

/** The store's atomic `pending → approved | denied`, judged by the device-code lifecycle. */
const decide = (ports: DeviceVerificationPorts, hash: string, decision: DeviceDecision): TE.TaskEither<OAuthError, DeviceCodeRecord> => {
  const now = ports.clock.now();
  return pipe(
    ports.deviceCodes.decide(hash, decision),
    TE.mapError(fromStoreError),
    TE.flatMapEither((outcome) => judgeDecideOutcome(outcome, now)),
  );
};

/**
 * The host's verification page (RFC 8628 §3.3): look the user code up to show the device's client and scope, then
 * approve (after authenticating the user) or deny. Each device authorization is decided at most once; the device's
 * next poll gets the tokens or `access_denied` (§3.5). Promises never reject.
 */
export const createDeviceVerificationApi = (ports: DeviceVerificationPorts): DeviceVerificationApi => {
  const log = (e: OAuthError): void => {
    if (e.detail !== undefined || e.cause !== undefined) {
      ports.logger.log(e.code === 'server_error' ? 'error' : 'info', `device verification: ${e.code}`, { ...optional('detail', e.detail), ...optional('cause', e.cause) });
    }
  };
  const done = async (program: TE.TaskEither<OAuthError, unknown>): Promise<{ readonly _tag: 'Done' } | Invalid> => {
    try {
      const r = await program();
      if (E.isLeft(r)) {
        log(r.left);
        return invalid(r.left);
      }
      return { _tag: 'Done' };
    } catch (cause) {
      ports.logger.log('error', 'device verification failed unexpectedly', { cause });
      return unexpected();
    }
  };

  return {
    lookup: async (userCode) => {
      try {
        const r = await findPending(ports, userCode)();
        if (E.isLeft(r)) {
          log(r.left);
          return invalid(r.left);
        }
        return { _tag: 'Pending', client: r.right.client, scope: r.right.record.scope };
      } catch (cause) {
        ports.logger.log('error', 'device verification failed unexpectedly', { cause });
        return unexpected();
      }
    },
    approve: (userCode, result) =>
      done(
        pipe(
          findPending(ports, userCode),
          TE.flatMap(({ record, hash }) => pipe(TE.fromEither(validateApproval(record, result)), TE.flatMap((decision) => decide(ports, hash, decision)))),
        ),
      ),
    deny: (userCode) => done(pipe(TE.fromEither(userCodeHash(ports, userCode)), TE.flatMap((hash) => decide(ports, hash, { approved: false })))),
  };
};
