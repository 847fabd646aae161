import * as E from 'fp-ts/lib/Either.js';
import * as TE from 'fp-ts/lib/TaskEither.js';
import { pipe } from 'fp-ts/lib/function.js';
import type { OAuthError } from '../errors/oauth-error.js';
import { fromStoreError } from '../errors/store-error.js';
import type { Rejection } from '../lifecycle/rejection.js';
import type { Logger } from '../ports/runtime.js';
import type { AccessTokenStore, RefreshTokenStore } from '../ports/stores.js';

/** The ports that revoking a grant needs. */
export interface GrantRevocationPorts {
  readonly accessTokens: AccessTokenStore;
  readonly refreshTokens: RefreshTokenStore;
  readonly logger: Logger;
}

/**
 * Runs a lifecycle's effects (RFC 6749 §4.1.2 code replay, RFC 9700 §4.14.2 refresh reuse: revoke every access and
 * refresh token of the grant), then fails with the rejection's error. A store fault while revoking wins (the
 * client must retry rather than believe the grant was revoked), and is logged.
 */
const rejectWithEffects = <A>(rejection: Rejection, ports: GrantRevocationPorts, now: number): TE.TaskEither<OAuthError, A> =>
  pipe(
    rejection.effects,
    TE.traverseSeqArray((effect) => {
      ports.logger.log('warn', 'revoking grant', { grantId: effect.grantId, reason: rejection.error.detail ?? rejection.error.code });
      return pipe(
        ports.refreshTokens.revokeGrant(effect.grantId, now),
        TE.flatMap(() => ports.accessTokens.revokeGrant(effect.grantId, now)),
        TE.mapError(fromStoreError),
      );
    }),
    TE.flatMap(() => TE.left(rejection.error)),
  );

/**
 * A lifecycle judgement as a task: its value, or its rejection enforced (`rejectWithEffects`: the revocations it asks
 * for, then its error).
 */
export const enforce = <A>(judgement: E.Either<Rejection, A>, ports: GrantRevocationPorts, now: number): TE.TaskEither<OAuthError, A> =>
  pipe(
    judgement,
    E.match((rejection) => rejectWithEffects<A>(rejection, ports, now), (value) => TE.right(value)),
  );
