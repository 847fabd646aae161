import * as TE from 'fp-ts/lib/TaskEither.js';
import { pipe } from 'fp-ts/lib/function.js';
import type { ReaderTaskEither } from 'fp-ts/lib/ReaderTaskEither.js';
import { isPublicClient, type AuthenticatedClient } from '../../domain/client.js';
import type { AuthorizationCodeRecord } from '../../domain/records.js';
import { invalidGrant, invalidRequest, type OAuthError } from '../../errors/oauth-error.js';
import { fromStoreError } from '../../errors/store-error.js';
import { judgeCodeRedemption } from '../../lifecycle/authorization-code.js';
import type { AuthorizationCodeStore, RefreshTokenStore } from '../../ports/stores.js';
import { issueTokens, type IssuePorts } from '../../tokens/issue.js';
import type { GrantContext, TokenResponse } from '../grant.js';
import { enforce } from '../shared.js';
import { isCodeVerifier, type AuthorizationCodeParams } from './codec.js';
import { optional } from '../../domain/optional.js';
import { audienceFacts, audienceIssueFacts, narrowedResources, requestedResources } from '../../resources/indicators.js';
import { resourcesWhen, type RegistryPorts } from '../../resources/catalog.js';

/** The ports the `authorization_code` grant uses. */
export type AuthorizationCodePorts = IssuePorts &
  RegistryPorts & {
  readonly authorizationCodes: AuthorizationCodeStore;
  readonly refreshTokens: RefreshTokenStore;
};

/**
 * Issues the tokens of a redeemed code. Defence in depth (OAuth 2.1 §4.1.1, RFC 9700 §2.1.1): a code issued without
 * PKCE is refused for a public client, or for any client when `config.pkce.requiredFor` is `all`.
 */
const issueFromCode =
  (record: AuthorizationCodeRecord, { client }: AuthenticatedClient, resource: string | undefined): ReaderTaskEither<GrantContext<AuthorizationCodePorts>, OAuthError, TokenResponse> =>
  (ctx) =>
    record.pkce === undefined && (isPublicClient(client) || ctx.config.pkce.requiredFor === 'all')
      ? TE.left(invalidGrant('PKCE is required for this client.', 'code issued without PKCE where PKCE is required'))
      : pipe(
          // The registry is read only when the request or the grant names a resource.
          resourcesWhen(ctx.config, ctx.ports, resource !== undefined || (record.resource?.length ?? 0) > 0),
          TE.flatMap((resources) => pipe(TE.fromEither(narrowedResources(resources, resource, record.resource)), TE.map((audience) => ({ resources, audience })))),
          TE.flatMap(({ resources, audience }) =>
            issueTokens({
              client,
              grantType: 'authorization_code',
              grantId: record.grantId,
              subject: record.subject,
              scope: record.scope,
              refresh: { _tag: 'New' },
              ...optional('grantedResources', record.resource),
              ...audienceIssueFacts(audienceFacts(resources, audience, record.scope)),
              ...optional('nonce', record.nonce),
              ...optional('authTime', record.authTime),
              ...optional('acr', record.acr),
            })(ctx),
          ),
        );

/**
 * RFC 6749 §4.1.3: redeems the code through the store's one atomic `redeem`, then judges the record
 * (`judgeCodeRedemption`: expiry, client binding, `redirect_uri` equality, RFC 7636 §4.6 PKCE with
 * `ports.secrets.hash` as the S256 transform). A replayed code is `invalid_grant` and revokes every token of its
 * grant (RFC 6749 §4.1.2). Success issues an access token, a refresh token when allowed and, for `openid`, an ID
 * token, all tied to the code's `grantId` (see `issueFromCode`). RFC 8707 §2.2: a `resource` must be one of those
 * of the authorization request (an unknown one is refused before the code is redeemed), and is then the audience.
 */
export const handleAuthorizationCode =
  (params: AuthorizationCodeParams, authenticated: AuthenticatedClient): ReaderTaskEither<GrantContext<AuthorizationCodePorts>, OAuthError, TokenResponse> =>
  (ctx) => {
    const { ports, now } = ctx;
    const { client } = authenticated;
    if (params.code_verifier !== undefined && !isCodeVerifier(params.code_verifier)) {
      return TE.left(invalidRequest('The code_verifier parameter is invalid.', 'code_verifier syntax (RFC 7636 §4.1)'));
    }
    return pipe(
      resourcesWhen(ctx.config, ports, params.resource !== undefined),
      TE.flatMap((resources) => TE.fromEither(requestedResources(resources, params.resource === undefined ? undefined : [params.resource]))),
      TE.flatMap(() => pipe(ports.authorizationCodes.redeem(ports.secrets.hash(params.code), now), TE.mapError(fromStoreError))),
      TE.flatMap((outcome) => enforce(judgeCodeRedemption(outcome, { clientId: client.clientId, redirectUri: params.redirect_uri, codeVerifier: params.code_verifier, dpopJkt: ctx.dpop?.jkt }, now, ports.secrets.hash), ports, now)),
      TE.flatMap((record) => issueFromCode(record, authenticated, params.resource)(ctx)),
    );
  };
