import * as E from 'fp-ts/lib/Either.js';
import * as TE from 'fp-ts/lib/TaskEither.js';
import { pipe } from 'fp-ts/lib/function.js';
import type { ReaderTaskEither } from 'fp-ts/lib/ReaderTaskEither.js';
import type { AuthenticatedClient, Client } from '../../domain/client.js';
import type { AccessTokenRecord } from '../../domain/records.js';
import { isSubset, requestedScope, type Scope } from '../../domain/scope.js';
import { invalidRequest, oauthError, serverError, type OAuthError } from '../../errors/oauth-error.js';
import type { Signer } from '../../ports/keys.js';
import { issueTokens, type IssuePorts } from '../../tokens/issue.js';
import type { GrantContext, TokenResponse } from '../grant.js';
import type { TokenExchangeParams } from './codec.js';
import { defaultTokenExchangePolicy, type TokenExchangeDecision, type TokenExchangePolicy } from './policy.js';
import { resolvePresentedToken } from './presented-token.js';
import { tokenExchangeGrantType, tokenTypes } from './token-types.js';
import { optional } from '../../domain/optional.js';

/**
 * The ports token exchange uses: token issuance (never a refresh token), the optional policy (default
 * `ownTokensPolicy()`) and the server's published keys for JWT subject/actor tokens (`createAuthorizationServer`
 * passes the server's signer).
 */
export type TokenExchangePorts = Omit<IssuePorts, 'refreshTokens'> & {
  readonly tokenExchangePolicy?: TokenExchangePolicy;
  readonly signer?: Pick<Signer, 'publicJwks'>;
};

const userScopes: readonly string[] = ['openid', 'offline_access'];

/** RFC 3986 §4.3 absolute URI without a fragment (RFC 8693 §2.1 `resource`, RFC 8707 §2). */
const absoluteUri = /^[A-Za-z][A-Za-z0-9+.-]*:[^\s#]+$/;

/**
 * RFC 8693 §2.1 request rules: `actor_token_type` is required with `actor_token` and forbidden without it;
 * `requested_token_type` may only ask for an access token (the only type Grantor issues: `invalid_request`
 * otherwise); `resource` must be an absolute URI without fragment (`invalid_target`, RFC 8707 §2).
 */
const checkRequest = (params: TokenExchangeParams): E.Either<OAuthError, TokenExchangeParams> => {
  if ((params.actor_token === undefined) !== (params.actor_token_type === undefined)) {
    return E.left(invalidRequest('actor_token and actor_token_type must be sent together.', 'actor token/type pairing'));
  }
  if (params.requested_token_type !== undefined && params.requested_token_type !== tokenTypes.accessToken) {
    return E.left(invalidRequest('Only access tokens can be requested (requested_token_type).', `requested_token_type ${params.requested_token_type}`));
  }
  if (params.resource !== undefined && !absoluteUri.test(params.resource)) {
    return E.left(oauthError('invalid_target', 'The resource parameter must be an absolute URI without a fragment.', { detail: `resource ${params.resource}` }));
  }
  return E.right(params);
};

/** The scope an exchanged token may carry at most: the subject token's, within the client's registration. */
const ceiling = (subject: AccessTokenRecord, client: Client): Scope => subject.scope.filter((s) => client.scope.includes(s) && !userScopes.includes(s));
const exceedsCeiling = 'The requested scope exceeds the subject token or the client registration.';

/** Token exchange never widens: a policy decision beyond the ceiling is a host bug, refused as `server_error`. */
const checkDecision = (decision: TokenExchangeDecision, subject: AccessTokenRecord, client: Client): E.Either<OAuthError, TokenExchangeDecision> =>
  isSubset(decision.scope, ceiling(subject, client))
    ? E.right(decision)
    : E.left(serverError(`token exchange policy granted ${decision.scope.join(' ')} beyond the subject token's scope`));

const actorSubject = (actor: AccessTokenRecord): string => actor.subject ?? actor.clientId;

const isRecord = (u: unknown): u is Readonly<Record<string, unknown>> => typeof u === 'object' && u !== null && !Array.isArray(u);

/**
 * RFC 8693 §4.4 `may_act`: when the subject token names who may act for it, the actor must be that party
 * (`invalid_request`, §2.2.2: the actor token is unacceptable).
 */
const checkMayAct = (subject: AccessTokenRecord, actor: AccessTokenRecord | undefined): E.Either<OAuthError, void> => {
  const mayAct = subject.extra?.['may_act'];
  if (actor === undefined || !isRecord(mayAct) || mayAct['sub'] === undefined || mayAct['sub'] === actorSubject(actor)) return E.right(undefined);
  return E.left(invalidRequest('The actor is not authorized to act for the subject (may_act).', 'may_act mismatch'));
};

/**
 * RFC 8693 §4.1 `act`: with an actor token (delegation) the issued token names the actor, nesting the subject
 * token's own `act` (prior actors, outermost = current); without one (impersonation) the subject token's `act`, if
 * any, is kept so the delegation chain is never lost. Stored in `AccessTokenRecord.extra.act`.
 */
const actClaim = (subject: AccessTokenRecord, actor: AccessTokenRecord | undefined): Readonly<Record<string, unknown>> | undefined => {
  const prior = subject.extra?.['act'];
  if (actor === undefined) return isRecord(prior) ? prior : undefined;
  return { sub: actorSubject(actor), ...(isRecord(prior) ? { act: prior } : {}) };
};

/**
 * RFC 8693 §2: a client exchanges an access token of this server (`subject_token`, optionally with an
 * `actor_token`) for a new access token. Steps: request rules; both tokens resolved through the AccessTokenStore
 * (active only); `may_act`; requested scope within the subject token's; the host's policy decides (default: own
 * tokens, narrowing only); the decision is capped at the subject token's scope; the token is issued to the client for
 * the subject token's subject, with the decided audience and `act`, in the subject's grant (revoking that grant
 * revokes the exchanged tokens too). Response per §2.2.1 with `issued_token_type`; no refresh token.
 */
export const handleTokenExchange =
  (params: TokenExchangeParams, authenticated: AuthenticatedClient): ReaderTaskEither<GrantContext<TokenExchangePorts>, OAuthError, TokenResponse> =>
  (ctx) => {
    const { client } = authenticated;
    const { ports, config, now } = ctx;
    const deps = { config, secrets: ports.secrets, accessTokens: ports.accessTokens, ...optional('signer', ports.signer) };
    const policy = ports.tokenExchangePolicy ?? defaultTokenExchangePolicy;
    return pipe(
      TE.fromEither(checkRequest(params)),
      TE.flatMap(() => resolvePresentedToken(deps, 'subject', params.subject_token, params.subject_token_type, now)),
      TE.bindTo('subject'),
      TE.bind('actor', () =>
        params.actor_token === undefined || params.actor_token_type === undefined
          ? TE.right(undefined)
          : resolvePresentedToken(deps, 'actor', params.actor_token, params.actor_token_type, now),
      ),
      TE.tap(({ subject, actor }) => TE.fromEither(checkMayAct(subject, actor))),
      // RFC 8693 §2.1 `scope`: within the subject token's scope and the client's registration, without openid/offline_access.
      TE.bind('requestedScope', ({ subject }) => TE.fromEither(requestedScope(params.scope, ceiling(subject, client), undefined, exceedsCeiling))),
      TE.bind('decision', ({ subject, actor, requestedScope }) =>
        pipe(
          policy.decide({
            client,
            subject,
            ...optional('actor', actor),
            ...optional('requestedScope', requestedScope),
            audience: params.audience === undefined ? [] : [params.audience],
            resource: params.resource === undefined ? [] : [params.resource],
          }),
          TE.flatMapEither((decision) => checkDecision(decision, subject, client)),
        ),
      ),
      TE.flatMap(({ subject, actor, decision }) => {
        const act = actClaim(subject, actor);
        return issueTokens({
          client,
          grantType: tokenExchangeGrantType,
          grantId: subject.grantId ?? ports.random.token(16),
          ...optional('subject', subject.subject),
          ...optional('authTime', subject.authTime),
          scope: decision.scope,
          audience: decision.audience,
          ...(act === undefined ? {} : { extra: { act } }),
          refresh: { _tag: 'None' },
        })(ctx);
      }),
      TE.map((response): TokenResponse => ({ ...response, issued_token_type: tokenTypes.accessToken })),
    );
  };
