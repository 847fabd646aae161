import * as TE from 'fp-ts/lib/TaskEither.js';
import * as O from 'fp-ts/lib/Option.js';
import { pipe } from 'fp-ts/lib/function.js';
import type { ReaderTaskEither } from 'fp-ts/lib/ReaderTaskEither.js';
import { requestedScope } from '../../domain/scope.js';
import type { OAuthError } from '../../errors/oauth-error.js';
import { fromStoreError } from '../../errors/store-error.js';
import { graceRetrySuccessor, judgeRefreshPresentation, judgeRotateOutcome, successorOf, unusedSuccessor } from '../../lifecycle/refresh-family.js';
import type { RefreshTokenRecord } from '../../domain/records.js';
import type { ServerConfig } from '../../config/server-config.js';
import { isPublicClient, type AuthenticatedClient, type Client } from '../../domain/client.js';
import type { RefreshTokenStore } from '../../ports/stores.js';
import { issueTokens, lifetimeOf, type IssuePorts } from '../../tokens/issue.js';
import type { GrantContext, TokenResponse } from '../grant.js';
import { enforce } from '../shared.js';
import type { RefreshTokenParams } from './codec.js';
import { optional } from '../../domain/optional.js';
import { refreshBindingHolds } from '../../dpop/token-endpoint.js';
import { audienceFacts, audienceIssueFacts, narrowedResources } from '../../resources/indicators.js';
import { resourcesWhen, type RegistryPorts } from '../../resources/catalog.js';

/** The ports the `refresh_token` grant uses. */
export type RefreshTokenGrantPorts = IssuePorts & RegistryPorts & { readonly refreshTokens: RefreshTokenStore };

/**
 * RFC 6749 §6 with rotation on every use (RFC 9700 §4.14.2, OAuth 2.1 §4.3.1; not for confidential clients under
 * `profile: 'fapi2'`, FAPI 2.0 Security Profile §5.3.2.1 (9): see `rotates`): the presented token must be active,
 * issued to the authenticated client and unexpired; the scope may only narrow (and must stay within the client's
 * registered scope). The successor is inserted by the store's one atomic `rotate`; a rotated or revoked token
 * presented again is `invalid_grant` and revokes the family's refresh and access tokens, except within the client's
 * reuse grace window after rotation (`reuseGraceOf`): there a retry proceeds from the successor the lost reply
 * carried while that is unused, and is otherwise refused without revoking. A token bound to a DPoP key (RFC 9449 §5) needs a proof by that
 * key, checked before rotation. A new access token (and, for `openid`, an ID token
 * without `nonce`, OIDC Core §12.2) is issued in the same grant. RFC 8707 §2.2: `resource` may name one of the
 * grant's resources (the audience), never another (`invalid_target`, before rotation).
 */
/** The reuse grace window that applies to `client` (`config.refreshTokens.reuseGraceSeconds`, by client type). */
const reuseGraceOf = (config: ServerConfig, client: Client): number =>
  isPublicClient(client) ? config.refreshTokens.reuseGraceSeconds.public : config.refreshTokens.reuseGraceSeconds.confidential;

/**
 * The record a request proceeds from: the presented token, or — within the reuse grace window, for a retry after a
 * lost reply (RFC 9700 §4.14.2) — its successor when nobody has used that yet (`graceRetrySuccessor`,
 * `unusedSuccessor`).
 */
const recordToJudge =
  (found: RefreshTokenRecord | undefined, clientId: string, now: number, grace: number, store: RefreshTokenStore): TE.TaskEither<OAuthError, RefreshTokenRecord | undefined> => {
    const successorHash = graceRetrySuccessor(found, clientId, now, grace);
    if (successorHash === undefined || found === undefined) return TE.right(found);
    return pipe(
      store.find(successorHash),
      TE.mapError(fromStoreError),
      TE.map((successor) => unusedSuccessor(O.toUndefined(successor), found, now) ?? found),
    );
  };

/**
 * FAPI 2.0 Security Profile §5.3.2.1 (9): under `profile: 'fapi2'` a confidential client's refresh token is not
 * rotated (rotation adds nothing for confidential clients with sender-constrained access tokens, and a lost reply
 * would strand the client); everywhere else every use rotates (RFC 9700 §4.14.2, OAuth 2.1 §4.3.1).
 */
const rotates = (config: ServerConfig, client: Client): boolean => config.profile !== 'fapi2' || isPublicClient(client);

export const handleRefreshToken =
  (params: RefreshTokenParams, authenticated: AuthenticatedClient): ReaderTaskEither<GrantContext<RefreshTokenGrantPorts>, OAuthError, TokenResponse> =>
  (ctx) => {
    const { config, ports, now } = ctx;
    const { client } = authenticated;
    const grace = reuseGraceOf(config, client);
    const checked = pipe(
      TE.fromEither(requestedScope(params.scope, client.scope, undefined)),
      TE.bindTo('scope'),
      TE.bind('found', () => pipe(ports.refreshTokens.find(ports.secrets.hash(params.refresh_token)), TE.mapError(fromStoreError))),
      TE.bind('current', ({ found }) => recordToJudge(O.toUndefined(found), client.clientId, now, grace, ports.refreshTokens)),
      TE.bind('presented', ({ scope, current }) =>
        enforce(judgeRefreshPresentation(current, scope === undefined ? { clientId: client.clientId } : { clientId: client.clientId, scope }, now, grace), ports, now),
      ),
      TE.tap(({ presented }) => TE.fromEither(refreshBindingHolds(presented.record, ctx.dpop))),
      // RFC 8707 §2.2: checked before rotation, so a refused audience leaves the refresh token usable.
      TE.bind('resources', ({ presented }) => resourcesWhen(config, ports, params.resource !== undefined || (presented.record.resource?.length ?? 0) > 0)),
      TE.bind('audience', ({ presented, resources }) => TE.fromEither(narrowedResources(resources, params.resource, presented.record.resource))),
    );
    if (!rotates(config, client)) {
      // Not rotated: the access token (narrowed scope and audience) comes from the presented token, which stays as it is.
      return pipe(
        checked,
        TE.flatMap(({ presented, audience, resources }) =>
          issueTokens({
            client,
            grantType: 'refresh_token',
            grantId: presented.record.grantId,
            subject: presented.record.subject,
            scope: presented.scope,
            refresh: { _tag: 'None' },
            ...audienceIssueFacts(audienceFacts(resources, audience, presented.scope)),
            ...optional('authTime', presented.record.authTime),
          })(ctx),
        ),
      );
    }
    return pipe(
      checked,
      TE.let('next', () => ports.random.token(32)),
      TE.let('successor', ({ presented, next }) =>
        successorOf(presented.record, { tokenHash: ports.secrets.hash(next), scope: presented.scope, now, lifetimeSeconds: lifetimeOf(config, client, 'refreshToken') }),
      ),
      TE.bind('outcome', ({ presented, successor }) => pipe(ports.refreshTokens.rotate(presented.record.tokenHash, successor, now), TE.mapError(fromStoreError))),
      TE.tap(({ outcome }) => enforce(judgeRotateOutcome(outcome, now, grace), ports, now)),
      TE.flatMap(({ next, successor, audience, resources }) =>
        issueTokens({
          client,
          grantType: 'refresh_token',
          grantId: successor.grantId,
          subject: successor.subject,
          scope: successor.scope,
          refresh: { _tag: 'Rotated', token: next },
          ...audienceIssueFacts(audienceFacts(resources, audience, successor.scope)),
          ...optional('authTime', successor.authTime),
        })(ctx),
      ),
    );
  };
