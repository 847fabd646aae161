import * as E from 'fp-ts/lib/Either.js';
import * as TE from 'fp-ts/lib/TaskEither.js';
import { pipe } from 'fp-ts/lib/function.js';
import type { ReaderTaskEither } from 'fp-ts/lib/ReaderTaskEither.js';
import type { AuthenticatedClient, Client } from '../../domain/client.js';
import { requestedScope, type Scope } from '../../domain/scope.js';
import { invalidScope, type OAuthError } from '../../errors/oauth-error.js';
import type { JwksFetcher } from '../../ports/jwks-fetcher.js';
import type { ReplayCache } from '../../ports/stores.js';
import { issueTokens, type IssuePorts } from '../../tokens/issue.js';
import type { GrantContext, TokenResponse } from '../grant.js';
import { verifyGrantAssertion } from './assertion.js';
import type { JwtBearerParams } from './codec.js';
import { optional } from '../../domain/optional.js';

/** RFC 7523 §2.1 grant type. */
export const jwtBearerGrantType = 'urn:ietf:params:oauth:grant-type:jwt-bearer';

/**
 * The ports the JWT bearer grant uses: token issuance (never a refresh token), the replay cache for `jti`s and,
 * optionally, the `jwksFetcher` for clients registered with `jwks_uri`.
 */
export type JwtBearerPorts = Omit<IssuePorts, 'refreshTokens'> & { readonly replay: ReplayCache; readonly jwksFetcher?: JwksFetcher };

/** Scopes that need an end-user login at this server (ID tokens) or a refresh token: never from an assertion. */
const interactiveScopes: readonly string[] = ['openid', 'offline_access'];

/**
 * RFC 6749 §3.3 for the JWT bearer grant: the requested scope must be within the client's registered scope
 * (`invalid_scope`, never narrowed silently); `openid` and `offline_access` are refused (no user authenticated at
 * this server, no refresh token is issued). Omitted: the client's registered scope minus those two.
 */
const jwtBearerScope = (raw: string | undefined, client: Client): E.Either<OAuthError, Scope> =>
  pipe(
    requestedScope(raw, client.scope, client.scope.filter((s) => !interactiveScopes.includes(s))),
    E.flatMap((scope) =>
      scope.some((s) => interactiveScopes.includes(s))
        ? E.left(invalidScope('The openid and offline_access scopes cannot be granted from an assertion.'))
        : E.right(scope),
    ),
  );

/**
 * RFC 7523 §2.1 / §3.1: a client presents a JWT it signed with its registered key, asserting `sub`; the token is
 * issued to the client for that subject. The scope is checked first (before the assertion's `jti` is consumed), then
 * the assertion (see `verifyGrantAssertion`). RFC 7521 §4.1 lets the server omit the refresh token: none is issued.
 */
export const handleJwtBearer =
  (params: JwtBearerParams, authenticated: AuthenticatedClient): ReaderTaskEither<GrantContext<JwtBearerPorts>, OAuthError, TokenResponse> =>
  (ctx) => {
    const { client } = authenticated;
    return pipe(
      TE.fromEither(jwtBearerScope(params.scope, client)),
      TE.bindTo('scope'),
      TE.bind('assertion', () => verifyGrantAssertion(client, params.assertion, {
          config: ctx.config,
          replay: ctx.ports.replay,
          now: ctx.now,
          ...optional('jwksFetcher', ctx.ports.jwksFetcher),
        }),),
      TE.flatMap(({ scope, assertion }) =>
        issueTokens({
          client,
          grantType: jwtBearerGrantType,
          grantId: ctx.ports.random.token(16),
          subject: assertion.subject,
          scope,
          refresh: { _tag: 'None' },
        })(ctx),
      ),
    );
  };
