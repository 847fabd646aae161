import * as E from 'fp-ts/lib/Either.js';
import * as TE from 'fp-ts/lib/TaskEither.js';
import type { ReaderTaskEither } from 'fp-ts/lib/ReaderTaskEither.js';
import { pipe } from 'fp-ts/lib/function.js';
import type { AuthenticatedClient, Client } from '../../domain/client.js';
import type { DeviceCodeRecord } from '../../domain/records.js';
import { invalidGrant, unauthorizedClient, type OAuthError } from '../../errors/oauth-error.js';
import { fromStoreError } from '../../errors/store-error.js';
import { judgeConsume, judgePoll } from '../../lifecycle/device-code.js';
import type { Logger, SecretHasher } from '../../ports/runtime.js';
import type { DeviceCodeStore } from '../../ports/stores.js';
import type { GrantContext, TokenResponse } from '../grant.js';
import type { DeviceCodeParams } from './codec.js';
import { optional } from '../../domain/optional.js';
import { narrowedResources, requestedResources } from '../../resources/indicators.js';

/** RFC 8628 §7.2. */
export const deviceCodeGrantType = 'urn:ietf:params:oauth:grant-type:device_code';

/** The ports the device grant itself uses (token issuance adds its own). */
export interface DeviceCodePorts {
  readonly deviceCodes: DeviceCodeStore;
  readonly secrets: SecretHasher;
  readonly logger: Logger;
}

/** What the grant asks token issuance for once a device code is consumed. */
export interface DeviceTokenRequest {
  readonly client: Client;
  readonly subject: string;
  readonly scope: readonly string[];
  readonly grantId: string;
  readonly authTime?: number;
  /** RFC 8707: the resources of the device authorization request (kept with a refresh token). */
  readonly grantedResources?: readonly string[];
  /** RFC 8707 §2: the token's audience — the requested resource, else every granted one. */
  readonly audience?: readonly string[];
  /** True when the client's `grant_types` include `refresh_token`. */
  readonly refreshToken: boolean;
}

export type IssueDeviceTokens<P> = (request: DeviceTokenRequest) => ReaderTaskEither<GrantContext<P>, OAuthError, TokenResponse>;

const unknownCode = (detail: string): OAuthError => invalidGrant('The device code is invalid.', detail);

/**
 * RFC 8628 §3.5: records the poll atomically (one store call) and judges it from the record as it was before.
 */
const recordPoll = (ctx: GrantContext<DeviceCodePorts>, hash: string) => {
  // Stores keep whole seconds (`lastPolledAt`), and `judgePoll` compares whole seconds: floor once, here.
  const now = Math.floor(ctx.now);
  return pipe(
    ctx.ports.deviceCodes.poll(hash, now, ctx.config.deviceFlow.interval),
    TE.mapError(fromStoreError),
    TE.flatMap((outcome) => (outcome._tag === 'NotFound' ? TE.left(unknownCode('device code not found')) : TE.right(outcome.previous))),
    TE.map((previous) => ({ previous, step: judgePoll(previous, now) })),
  );
};

/** RFC 8628 §3.4 / RFC 6749 §5.2: a device code issued to another client is `invalid_grant`. */
const requireSameClient = (record: DeviceCodeRecord, client: Client): E.Either<OAuthError, DeviceCodeRecord> =>
  record.clientId === client.clientId ? E.right(record) : E.left(unknownCode(`device code of ${record.clientId} presented by ${client.clientId}`));

/**
 * The device grant (RFC 8628 §3.4–3.5): poll (recorded atomically), judge (expired_token, slow_down,
 * authorization_pending, access_denied), then consume an approved code atomically so that exactly one poll gets the
 * tokens. Refresh tokens are issued when the client's `grant_types` include `refresh_token`.
 */
export const handleDeviceCode =
  <P extends DeviceCodePorts>(issue: IssueDeviceTokens<P>) =>
  (params: DeviceCodeParams, authenticated: AuthenticatedClient): ReaderTaskEither<GrantContext<P>, OAuthError, TokenResponse> =>
  (ctx) => {
    const { client } = authenticated;
    if (!client.grantTypes.includes(deviceCodeGrantType)) return TE.left(unauthorizedClient('The client is not allowed to use the device authorization grant.'));
    const hash = ctx.ports.secrets.hash(params.device_code);
    return pipe(
      // RFC 8707 §2: an unknown or malformed resource is refused before the poll is recorded.
      TE.fromEither(requestedResources(ctx.config.resources, params.resource === undefined ? undefined : [params.resource])),
      TE.flatMap(() => recordPoll(ctx, hash)),
      TE.flatMapEither(({ previous, step }) =>
        pipe(
          requireSameClient(previous, client),
          E.flatMap(() => (step.verdict._tag === 'Refuse' ? E.left(step.verdict.error) : E.right(undefined))),
        ),
      ),
      TE.flatMap(() => pipe(ctx.ports.deviceCodes.consume(hash), TE.mapError(fromStoreError))),
      TE.flatMapEither(judgeConsume),
      TE.flatMapEither((record) =>
        record.subject === undefined ? E.left(unknownCode('approved device code without a subject')) : E.right({ record, subject: record.subject }),
      ),
      TE.bindW('audience', ({ record }) => TE.fromEither(narrowedResources(ctx.config.resources, params.resource, record.resource))),
      TE.flatMap(({ record, subject, audience }) =>
        issue({
          ...optional('grantedResources', record.resource),
          ...optional('audience', audience),
          client,
          subject,
          scope: record.grantedScope ?? record.scope,
          grantId: record.grantId,
          refreshToken: client.grantTypes.includes('refresh_token'),
          ...optional('authTime', record.authTime),
        })(ctx),
      ),
    );
  };
