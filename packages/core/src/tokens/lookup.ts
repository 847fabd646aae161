import * as E from 'fp-ts/lib/Either.js';
import * as O from 'fp-ts/lib/Option.js';
import * as TE from 'fp-ts/lib/TaskEither.js';
import { pipe } from 'fp-ts/lib/function.js';
import type { AccessTokenRecord, RefreshTokenRecord } from '../domain/records.js';
import type { StoreError } from '../errors/store-error.js';
import { looksLikeJws, verifyJws } from '../keys/verify.js';
import type { Signer } from '../ports/keys.js';
import type { SecretHasher } from '../ports/runtime.js';
import type { AccessTokenStore, RefreshTokenStore } from '../ports/stores.js';
import type { ServerConfig } from '../config/server-config.js';
import { accessTokenJwtType } from './jwt-access-token.js';

/** What finding a presented token needs: the published keys (for JWTs), the hasher and the token stores. */
export interface TokenLookupPorts {
  readonly config: ServerConfig;
  readonly signer: Pick<Signer, 'publicJwks'>;
  readonly secrets: SecretHasher;
  readonly accessTokens: AccessTokenStore;
  readonly refreshTokens?: RefreshTokenStore;
}

/** RFC 9068 §4: `typ` must be `at+jwt` (or the full `application/at+jwt`), compared case-insensitively. */
const isAccessTokenTyp = (typ: unknown): boolean =>
  typeof typ === 'string' && [accessTokenJwtType, `application/${accessTokenJwtType}`].includes(typ.toLowerCase());

/**
 * RFC 9068 §4 validation of a JWT access token, up to finding its record: the signature must verify against the
 * server's published keys (only our algorithms), `typ` must be `at+jwt`, `iss` must be our issuer, and the record
 * stored under its `jti` must be a JWT record of the same `client_id` and `exp`. Expiry (`exp`, equal in both) and
 * revocation are then judged from the record by the caller (the record is the deny list). A token that fails any
 * check is simply not found.
 */
const findJwtAccessToken = (deps: TokenLookupPorts, token: string): TE.TaskEither<StoreError, O.Option<AccessTokenRecord>> =>
  pipe(
    deps.signer.publicJwks(),
    TE.flatMap((jwks) => TE.fromTask(verifyJws(token, jwks))),
    TE.flatMap((verified) => {
      if (E.isLeft(verified)) return TE.right(O.none);
      const { header, payload } = verified.right;
      const jti = payload['jti'];
      if (!isAccessTokenTyp(header['typ']) || payload['iss'] !== deps.config.issuer || typeof jti !== 'string') return TE.right(O.none);
      return pipe(
        deps.accessTokens.find(jti),
        TE.map(O.filter((r) => r.format === 'jwt' && r.clientId === payload['client_id'] && r.expiresAt === payload['exp'])),
      );
    }),
  );

/**
 * Finds the record of a presented access token: JWTs by verified `jti`, opaque tokens by `secrets.hash(token)`
 * (only hashes are stored). `None` for unknown, forged or malformed values; store faults are `Left`.
 */
export const findAccessToken = (deps: TokenLookupPorts, token: string): TE.TaskEither<StoreError, O.Option<AccessTokenRecord>> =>
  looksLikeJws(token)
    ? findJwtAccessToken(deps, token)
    : pipe(deps.accessTokens.find(deps.secrets.hash(token)), TE.map(O.filter((r) => r.format === 'opaque')));

/** Finds a refresh token by hash (`None` without a refresh-token store). */
const findRefreshToken = (deps: TokenLookupPorts, token: string): TE.TaskEither<StoreError, O.Option<RefreshTokenRecord>> =>
  deps.refreshTokens === undefined || looksLikeJws(token) ? TE.right(O.none) : deps.refreshTokens.find(deps.secrets.hash(token));

/** An access token is usable while it is neither revoked nor expired (RFC 6750 §3.1 `invalid_token` otherwise). */
export const isActiveAccessToken = (r: AccessTokenRecord, now: number): boolean => r.revokedAt === undefined && now < r.expiresAt;

/** A refresh token is usable while it is neither rotated (RFC 9700 §4.14.2), revoked nor expired. */
export const isActiveRefreshToken = (r: RefreshTokenRecord, now: number): boolean =>
  r.rotatedAt === undefined && r.revokedAt === undefined && now < r.expiresAt;

/** A presented token found in one of the stores. */
export type FoundToken =
  | { readonly _tag: 'Access'; readonly record: AccessTokenRecord }
  | { readonly _tag: 'Refresh'; readonly record: RefreshTokenRecord };

/**
 * Finds a presented token of either kind (RFC 7009 §2.1, RFC 7662 §2.1): `token_type_hint` only decides which store
 * is searched first; an unknown hint is ignored and a wrong hint still finds the token in the other store.
 */
export const findPresentedToken = (deps: TokenLookupPorts, token: string, hint: string | undefined): TE.TaskEither<StoreError, O.Option<FoundToken>> => {
  const access = pipe(findAccessToken(deps, token), TE.map(O.map((record): FoundToken => ({ _tag: 'Access', record }))));
  const refresh = pipe(findRefreshToken(deps, token), TE.map(O.map((record): FoundToken => ({ _tag: 'Refresh', record }))));
  const [first, second] = hint === 'refresh_token' ? [refresh, access] : [access, refresh];
  return pipe(first, TE.flatMap((found) => (O.isSome(found) ? TE.right(found) : second)));
};
