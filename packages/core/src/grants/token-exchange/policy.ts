import * as TE from 'fp-ts/lib/TaskEither.js';
import type { TaskEither } from 'fp-ts/lib/TaskEither.js';
import type { Client } from '../../domain/client.js';
import type { AccessTokenRecord } from '../../domain/records.js';
import type { Scope } from '../../domain/scope.js';
import { invalidRequest, oauthError, type OAuthError } from '../../errors/oauth-error.js';

/** What a token exchange asks for, after the core validated both tokens and the requested scope. */
interface TokenExchangeRequest {
  /** The authenticated client making the request (the issued token is its token). */
  readonly client: Client;
  /** The active record of the `subject_token`. */
  readonly subject: AccessTokenRecord;
  /** The active record of the `actor_token` (delegation), when one was presented. */
  readonly actor?: AccessTokenRecord;
  /**
   * The requested scope, already checked to be within the subject token's scope and the client's registered scope;
   * `undefined` when `scope` was omitted.
   */
  readonly requestedScope?: Scope;
  /** RFC 8693 §2.1 `audience` (logical names) and `resource` (absolute URIs, RFC 8707), as requested. */
  readonly audience: readonly string[];
  readonly resource: readonly string[];
}

/** What a policy grants. The core refuses (server_error) a decision whose scope exceeds the subject token's. */
export interface TokenExchangeDecision {
  readonly scope: Scope;
  /** The `aud` of the issued token (empty: the server's default audience). */
  readonly audience: readonly string[];
}

/**
 * The host's token exchange policy (RFC 8693 §1, §5): who may exchange which tokens, for which audiences and
 * scopes. A `Left` refuses the exchange with that error — `invalid_request` for an unacceptable subject or actor
 * token (§2.2.2), `invalid_target` for an audience or resource (§2.2.2, RFC 8707), `invalid_scope`.
 */
export interface TokenExchangePolicy {
  readonly decide: (request: TokenExchangeRequest) => TaskEither<OAuthError, TokenExchangeDecision>;
}

export interface OwnTokensPolicyOptions {
  /** `audience` / `resource` values any client may ask for; default none (any target is `invalid_target`). */
  readonly audiences?: readonly string[];
}

const userScopes: readonly string[] = ['openid', 'offline_access'];

/**
 * The default policy: a client may exchange tokens issued to itself (subject and actor token alike) for a token with
 * the same or a narrower scope. Omitted scope: the subject token's scope within the client's registered scope, minus
 * `openid` and `offline_access` (no ID token, no refresh token from an exchange). Targets only from
 * `options.audiences`.
 */
export const ownTokensPolicy = (options: OwnTokensPolicyOptions = {}): TokenExchangePolicy => {
  const allowed = options.audiences ?? [];
  return {
    decide: (request) => {
      const { client, subject, actor } = request;
      if (subject.clientId !== client.clientId) return TE.left(invalidRequest('The subject_token was not issued to this client.', 'subject token of another client'));
      if (actor !== undefined && actor.clientId !== client.clientId) return TE.left(invalidRequest('The actor_token was not issued to this client.', 'actor token of another client'));
      const targets = [...request.audience, ...request.resource];
      const foreign = targets.find((t) => !allowed.includes(t));
      if (foreign !== undefined) return TE.left(oauthError('invalid_target', 'The requested audience or resource is not allowed.', { detail: `target ${foreign}` }));
      const scope = request.requestedScope ?? subject.scope.filter((s) => client.scope.includes(s) && !userScopes.includes(s));
      return TE.right({ scope, audience: [...new Set(targets)] });
    },
  };
};

/** The policy used when the host provides none. */
export const defaultTokenExchangePolicy: TokenExchangePolicy = ownTokensPolicy();
