/**
 * `issueTokens`: the one place grants turn a decision ("this client gets these scopes for this subject") into a
 * token response (RFC 6749 §5.1).
 *
 * - Access tokens are opaque by default: `ports.random.token(32)`, stored as an `AccessTokenRecord` whose `id` is
 *   `ports.secrets.hash(token)` (only the hash is kept).
 * - When the format is `jwt` (the client's `accessTokenFormat`, else `config.accessTokenFormat`), the record's `id`
 *   is a fresh `jti` and the token string comes from `ports.tokens.accessToken` (RFC 9068), which
 *   `createAuthorizationServer` builds once from the server's signer.
 * - A refresh token is minted for `refresh: { _tag: 'New' }` when the client's `grant_types` and the server's
 *   `grantTypes` both include `refresh_token` (grants decide whether they allow one at all: authorization_code and
 *   device_code do, client_credentials never does); the refresh grant passes the already-rotated value instead.
 * - An `id_token` is added when the scope contains `openid` and there is a subject (OpenID Connect Core §3.1.3.3),
 *   signed by `ports.tokens.idToken`.
 *
 * The `tokens` port: `{ accessToken(record, client), idToken(request) }`, both returning a
 * `TaskEither<OAuthError, string>` — the signed JWT. Everything else (claims, keys, `at_hash`) is theirs to decide.
 */
import * as E from 'fp-ts/lib/Either.js';
import * as TE from 'fp-ts/lib/TaskEither.js';
import { pipe } from 'fp-ts/lib/function.js';
import type { ReaderTaskEither } from 'fp-ts/lib/ReaderTaskEither.js';
import type { TaskEither } from 'fp-ts/lib/TaskEither.js';
import type { Client, TokenLifetimes } from '../domain/client.js';
import type { AccessTokenRecord, RefreshTokenRecord } from '../domain/records.js';
import { formatScope, type Scope } from '../domain/scope.js';
import { serverError, type OAuthError } from '../errors/oauth-error.js';
import { fromStoreError } from '../errors/store-error.js';
import type { GrantContext, TokenResponse } from './token-response.js';
import type { Logger, Random, SecretHasher } from '../ports/runtime.js';
import type { AccessTokenStore, RefreshTokenStore } from '../ports/stores.js';
import type { ServerConfig } from '../config/server-config.js';
import { optional } from '../domain/optional.js';
import { confirmationOf } from '../dpop/binding.js';
import { isPublicClient } from '../domain/client.js';

/** What the `idToken` hook is given (OpenID Connect Core §2, §3.1.3.6). */
export interface IdTokenRequest {
  readonly client: Client;
  readonly subject: string;
  readonly scope: Scope;
  readonly nonce?: string;
  readonly authTime?: number;
  readonly acr?: string;
  /** The access token issued in the same response (for `at_hash`). */
  readonly accessToken: string;
  readonly grantType: string;
  readonly issuedAt: number;
  /** `issuedAt + lifetimes.idToken` (client override first). */
  readonly expiresAt: number;
}

/** Token formats (the `tokens` port), built once by `createAuthorizationServer`; see the module comment. */
export interface TokenHooks {
  /** RFC 9068: the signed JWT for `record` (its `id` is the `jti`; claims from the record and client). */
  readonly accessToken: (record: AccessTokenRecord, client: Client) => TaskEither<OAuthError, string>;
  /** OpenID Connect Core §2: the signed ID token. */
  readonly idToken: (request: IdTokenRequest) => TaskEither<OAuthError, string>;
  /** Extra access-token claims (token hooks): kept in the record's `extra`, put into JWTs, echoed by introspection. */
  readonly accessTokenClaims?: (ctx: {
    readonly client: Client;
    readonly grantType: string;
    readonly subject?: string;
    readonly scope: Scope;
  }) => TaskEither<OAuthError, Readonly<Record<string, unknown>>>;
}

/** The ports `issueTokens` uses. `refreshTokens` is needed only by grants that mint refresh tokens. */
export interface IssuePorts {
  readonly random: Random;
  readonly secrets: SecretHasher;
  readonly accessTokens: AccessTokenStore;
  readonly logger: Logger;
  readonly refreshTokens?: RefreshTokenStore;
  readonly tokens: TokenHooks;
}

/** What every grant's decision states. */
interface IssueFactsBase {
  readonly client: Client;
  readonly grantType: string;
  readonly subject?: string;
  readonly scope: Scope;
  /** For new refresh tokens: the scope of the original grant (default `scope`). */
  readonly grantedScope?: Scope;
  /** For new refresh tokens: the RFC 8707 resources of the original grant (a refresh may narrow to one of them). */
  readonly grantedResources?: readonly string[];
  readonly nonce?: string;
  readonly authTime?: number;
  readonly acr?: string;
  /** RFC 8707 / RFC 8693 audience of the access token (kept in the record; the JWT `aud`). */
  readonly audience?: readonly string[];
  /** RFC 8707: the access-token format and lifetime the audience's resources set (override the client's). */
  readonly accessTokenFormat?: 'opaque' | 'jwt';
  readonly accessTokenLifetime?: number;
  /** The scope of the access token when narrower than `scope` (RFC 8707 audience); refresh tokens keep `scope`. */
  readonly accessTokenScope?: Scope;
  /** Grant-set access-token claims (e.g. RFC 8693 `act`), kept in the record's `extra`; they win over hook claims. */
  readonly extra?: Readonly<Record<string, unknown>>;
}

/**
 * A grant's decision. `grantId` links every token of one authorization (revocation on code replay or refresh
 * reuse, RFC 6749 §4.1.2 / RFC 9700 §4.14.2). A decision that mints no refresh token may leave it out — the
 * tokens of `client_credentials` belong to no code or refresh family, so nothing can revoke them as a group and no
 * grant id is drawn, stored or indexed for them (RFC 7009 revokes such a token by itself).
 */
export type IssueFacts = IssueFactsBase &
  (
    | {
        readonly grantId: string;
        /** `New`: mint one if allowed; `Rotated`: echo this already-stored token; `None`: no refresh token. */
        readonly refresh: { readonly _tag: 'New' } | { readonly _tag: 'Rotated'; readonly token: string } | { readonly _tag: 'None' };
      }
    | { readonly grantId?: undefined; readonly refresh: { readonly _tag: 'None' } }
  );

/** The effective lifetime: the client's override, else the server's. */
export const lifetimeOf = (config: ServerConfig, client: Client, which: keyof TokenLifetimes): number => client.lifetimes?.[which] ?? config.lifetimes[which];

/** True when refresh tokens may be issued to `client` at all (RFC 6749 §1.5: the grant must be enabled for it). */
const mayIssueRefreshToken = (config: ServerConfig, client: Client): boolean =>
  client.grantTypes.includes('refresh_token') && config.grantTypes.includes('refresh_token');

/** RFC 6749 §1.4 / RFC 9068: mints, stores and returns an access token (opaque or JWT). */
const accessToken = (facts: IssueFacts, ctx: GrantContext<IssuePorts>): TaskEither<OAuthError, { readonly token: string; readonly expiresIn: number }> => {
  const claims = ctx.ports.tokens.accessTokenClaims;
  if (claims === undefined) return accessTokenWith(facts, ctx, {});
  return pipe(
    claims({ client: facts.client, grantType: facts.grantType, scope: facts.scope, ...optional('subject', facts.subject) }),
    TE.flatMap((extra) => accessTokenWith(facts, ctx, extra)),
  );
};

const accessTokenWith = (
  facts: IssueFacts,
  ctx: GrantContext<IssuePorts>,
  extra: Readonly<Record<string, unknown>>,
): TaskEither<OAuthError, { readonly token: string; readonly expiresIn: number }> => {
  const { config, ports } = ctx;
  const now = Math.floor(ctx.now);
  const expiresIn = facts.accessTokenLifetime ?? lifetimeOf(config, facts.client, 'accessToken');
  const format = facts.accessTokenFormat ?? facts.client.accessTokenFormat ?? config.accessTokenFormat;
  const base = {
    format,
    clientId: facts.client.clientId,
    scope: facts.accessTokenScope ?? facts.scope,
    ...optional('grantId', facts.grantId),
    issuedAt: now,
    expiresAt: now + expiresIn,
    ...optional('subject', facts.subject),
    ...optional('authTime', facts.authTime),
    ...(facts.audience === undefined || facts.audience.length === 0 ? {} : { audience: facts.audience }),
    // RFC 9449 §6: a DPoP-bound token carries `cnf.jkt` (in the JWT and in introspection, which echo `extra`).
    ...withExtra({ ...extra, ...facts.extra, ...(ctx.dpop === undefined ? {} : confirmationOf(ctx.dpop)) }),
  };
  if (format === 'opaque') {
    const token = ports.random.token(32);
    const record: AccessTokenRecord = { id: ports.secrets.hash(token), ...base };
    const save = ports.accessTokens.save(record);
    return async () => {
      const saved = await save();
      return E.isLeft(saved) ? E.left(fromStoreError(saved.left)) : E.right({ token, expiresIn });
    };
  }
  const record: AccessTokenRecord = { id: ports.random.token(16), ...base };
  return pipe(
    ports.tokens.accessToken(record, facts.client),
    TE.flatMap((token) => pipe(ports.accessTokens.save(record), TE.mapError(fromStoreError), TE.map(() => ({ token, expiresIn })))),
  );
};

const withExtra = (extra: Readonly<Record<string, unknown>>): { readonly extra?: Readonly<Record<string, unknown>> } =>
  Object.keys(extra).length === 0 ? {} : { extra };

/** RFC 6749 §1.5 / §6: a new refresh token, first of its family (or of a new grant). */
const newRefreshToken = (facts: IssueFacts, ctx: GrantContext<IssuePorts>): TaskEither<OAuthError, string | undefined> => {
  const { config, ports } = ctx;
  if (facts.refresh._tag === 'Rotated') return TE.right(facts.refresh.token);
  if (facts.refresh._tag === 'None' || !mayIssueRefreshToken(config, facts.client)) return TE.right(undefined);
  if (facts.subject === undefined || facts.grantId === undefined) return TE.right(undefined);
  const store = ports.refreshTokens;
  if (store === undefined) return TE.left(serverError('a refresh token was to be issued but no refreshTokens store is configured'));
  const now = Math.floor(ctx.now);
  const token = ports.random.token(32);
  const record: RefreshTokenRecord = {
    tokenHash: ports.secrets.hash(token),
    grantId: facts.grantId,
    clientId: facts.client.clientId,
    subject: facts.subject,
    scope: facts.scope,
    grantedScope: facts.grantedScope ?? facts.scope,
    ...(facts.grantedResources === undefined || facts.grantedResources.length === 0 ? {} : { resource: facts.grantedResources }),
    ...optional('nonce', facts.nonce),
    ...optional('authTime', facts.authTime),
    // RFC 9449 §5: refresh tokens of public clients are bound to the key of the proof they were issued with.
    ...(ctx.dpop !== undefined && isPublicClient(facts.client) ? { dpopJkt: ctx.dpop.jkt } : {}),
    issuedAt: now,
    expiresAt: now + lifetimeOf(config, facts.client, 'refreshToken'),
  };
  return pipe(store.save(record), TE.mapError(fromStoreError), TE.map(() => token));
};

/** OpenID Connect Core §3.1.3.3: an `id_token` accompanies the tokens of an `openid` request. */
const idToken = (facts: IssueFacts, ctx: GrantContext<IssuePorts>, access: string): TaskEither<OAuthError, string | undefined> => {
  if (!facts.scope.includes('openid') || facts.subject === undefined) return TE.right(undefined);
  const issuedAt = Math.floor(ctx.now);
  return ctx.ports.tokens.idToken({
    client: facts.client,
    subject: facts.subject,
    scope: facts.scope,
    accessToken: access,
    grantType: facts.grantType,
    issuedAt,
    expiresAt: issuedAt + lifetimeOf(ctx.config, facts.client, 'idToken'),
    ...optional('nonce', facts.nonce),
    ...optional('authTime', facts.authTime),
    ...optional('acr', facts.acr),
  });
};

/**
 * Issues the tokens of a successful grant and builds the RFC 6749 §5.1 response (`access_token`, `token_type`
 * Bearer, or DPoP for a request with a verified proof (RFC 9449 §5), `expires_in`, `scope` always stated, `refresh_token` and `id_token` when issued).
 */
export const issueTokens =
  (facts: IssueFacts): ReaderTaskEither<GrantContext<IssuePorts>, OAuthError, TokenResponse> =>
  (ctx) =>
  async () => {
    const access = await accessToken(facts, ctx)();
    if (E.isLeft(access)) return access;
    const refresh = await newRefreshToken(facts, ctx)();
    if (E.isLeft(refresh)) return refresh;
    const id = await idToken(facts, ctx, access.right.token)();
    if (E.isLeft(id)) return id;
    return E.right({
      access_token: access.right.token,
      token_type: ctx.dpop === undefined ? 'Bearer' : 'DPoP',
      expires_in: access.right.expiresIn,
      scope: formatScope(facts.accessTokenScope ?? facts.scope),
      ...optional('refresh_token', refresh.right),
      ...optional('id_token', id.right),
    });
  };
