import * as E from 'fp-ts/lib/Either.js';
import * as RTE from 'fp-ts/lib/ReaderTaskEither.js';
import * as TE from 'fp-ts/lib/TaskEither.js';
import type { ReaderTaskEither } from 'fp-ts/lib/ReaderTaskEither.js';
import type { AuthenticatedClient, Client } from '../../domain/client.js';
import { requestedScope } from '../../domain/scope.js';
import { invalidScope, type OAuthError } from '../../errors/oauth-error.js';
import { issueTokens, type IssuePorts } from '../../tokens/issue.js';
import { audienceFacts, audienceIssueFacts, requestedResources } from '../../resources/indicators.js';
import { resourcesInForce, type RegistryPorts } from '../../resources/catalog.js';
import { pipe } from 'fp-ts/lib/function.js';
import type { GrantContext, TokenResponse } from '../grant.js';
import type { ClientCredentialsParams } from './codec.js';

/** The ports the `client_credentials` grant uses (no refresh-token store: it never issues one). */
export type ClientCredentialsPorts = Omit<IssuePorts, 'refreshTokens'> & RegistryPorts;

/** Scopes about an end user, meaningless without one. */
const userScopes: readonly string[] = ['openid', 'offline_access'];

/** The default scope when `scope` is omitted (RFC 6749 §3.3): the client's registered scope minus user scopes. */
const defaultClientCredentialsScope = (client: Client): readonly string[] => client.scope.filter((s) => !userScopes.includes(s));

/**
 * RFC 6749 §4.4: a confidential client (authenticated by the token endpoint) asks for a token for itself. The
 * requested scope must be within the client's registered scope (`invalid_scope`, never narrowed silently); `openid`
 * and `offline_access` need an end user and are refused. RFC 8707 §2: a `resource` names the token's audience (a
 * registered resource, else `invalid_target`). RFC 6749 §4.4.3: "A refresh token SHOULD NOT be
 * included" — none is.
 */
export const handleClientCredentials =
  (params: ClientCredentialsParams, authenticated: AuthenticatedClient): ReaderTaskEither<GrantContext<ClientCredentialsPorts>, OAuthError, TokenResponse> => {
    const { client } = authenticated;
    const scope = requestedScope(params.scope, client.scope, defaultClientCredentialsScope(client));
    if (E.isLeft(scope)) return RTE.left(scope.left);
    if (scope.right.some((s) => userScopes.includes(s))) return RTE.left(invalidScope('The openid and offline_access scopes need an end user.'));
    const facts = { client, grantType: 'client_credentials', scope: scope.right, refresh: { _tag: 'None' } } as const;
    if (params.resource === undefined) return issueTokens(facts);
    const resource = params.resource;
    // Only a request that names a resource reads the registry.
    return (ctx) =>
      pipe(
        resourcesInForce(ctx.config, ctx.ports),
        TE.flatMap((resources) =>
          pipe(
            TE.fromEither(requestedResources(resources, [resource])),
            TE.flatMap((audience) => issueTokens({ ...facts, ...audienceIssueFacts(audienceFacts(resources, audience, scope.right)) })(ctx)),
          ),
        ),
      );
  };
