import * as TE from 'fp-ts/lib/TaskEither.js';
import { pipe } from 'fp-ts/lib/function.js';
import type { TaskEither } from 'fp-ts/lib/TaskEither.js';
import type { Client } from '../domain/client.js';
import type { AccessTokenRecord } from '../domain/records.js';
import type { Scope } from '../domain/scope.js';
import type { OAuthError } from '../errors/oauth-error.js';

export type Claims = Readonly<Record<string, unknown>>;

/** What a claims hook knows about the token being issued. */
export interface TokenClaimsContext {
  readonly client: Client;
  readonly grantType: string;
  readonly subject?: string;
  readonly scope: Scope;
}

/** What an introspection hook knows: the stored record of the token and its client. */
interface IntrospectionClaimsContext {
  readonly client: Client;
  readonly record: AccessTokenRecord;
}

/**
 * The typed extension point for extra claims, per client and grant (`ctx.client.metadata` carries free-form client
 * data). Hooks may add claims; they never replace the protocol's own (see {@link reservedClaims}). A hook's `Left`
 * fails the request with that error.
 */
export interface ClaimHooks {
  /** Added to access tokens: into RFC 9068 JWTs, and kept in the record's `extra` (echoed by introspection). */
  readonly accessToken?: (ctx: TokenClaimsContext) => TaskEither<OAuthError, Claims>;
  /** Added to ID tokens (e.g. `email` or a tenant claim). */
  readonly idToken?: (ctx: TokenClaimsContext) => TaskEither<OAuthError, Claims>;
  /** Added to active RFC 7662 introspection responses of access tokens. */
  readonly introspection?: (ctx: IntrospectionClaimsContext) => TaskEither<OAuthError, Claims>;
}

/** Claims the protocol sets (RFC 7519 §4.1, RFC 9068 §2.2, RFC 7662 §2.2, OIDC Core §2): hooks cannot override them. */
const reservedClaims: readonly string[] = [
  'iss', 'sub', 'aud', 'exp', 'nbf', 'iat', 'jti', 'client_id', 'scope', 'nonce', 'auth_time', 'acr', 'amr', 'azp',
  'at_hash', 'c_hash', 'active', 'token_type', 'username', 'cnf', 'sid',
];

/** Drops reserved claims from what a hook returned. */
const withoutReserved = (claims: Claims): Claims =>
  Object.fromEntries(Object.entries(claims).filter(([k, v]) => !reservedClaims.includes(k) && v !== undefined));

/** Runs an optional hook, `{}` when absent. */
export const runHook = <C>(hook: ((ctx: C) => TaskEither<OAuthError, Claims>) | undefined, ctx: C): TaskEither<OAuthError, Claims> =>
  hook === undefined ? TE.right({}) : pipe(hook(ctx), TE.map(withoutReserved));
