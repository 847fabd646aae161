import * as TE from 'fp-ts/lib/TaskEither.js';
import { pipe } from 'fp-ts/lib/function.js';
import type { TaskEither } from 'fp-ts/lib/TaskEither.js';
import type { Client } from '../domain/client.js';
import type { AccessTokenRecord } from '../domain/records.js';
import { formatScope } from '../domain/scope.js';
import type { OAuthError } from '../errors/oauth-error.js';
import { fromStoreError } from '../errors/store-error.js';
import type { Signer, SigningAlg } from '../ports/keys.js';
import type { ServerConfig } from '../config/server-config.js';
import type { Claims } from './claim-hooks.js';
import { optional } from '../domain/optional.js';

/** RFC 9068 §2.1 media type of JWT access tokens (`typ` header). */
export const accessTokenJwtType = 'at+jwt';

export interface JwtAccessTokenOptions {
  /** Default RS256 (RFC 9068 §2.1: RS256 must be supported). */
  readonly alg?: SigningAlg;
  /**
   * `aud` when the record names no audience (RFC 9068 §2.2 requires one). Default: the issuer, meaning "this
   * authorization server's resource servers"; set it to your API's identifier.
   */
  readonly defaultAudience?: string | readonly string[];
}

const audienceOf = (config: ServerConfig, record: AccessTokenRecord, options: JwtAccessTokenOptions): string | readonly string[] => {
  const aud = record.audience !== undefined && record.audience.length > 0 ? record.audience : options.defaultAudience ?? config.issuer;
  return typeof aud !== 'string' && aud.length === 1 && aud[0] !== undefined ? aud[0] : aud;
};

/**
 * RFC 9068 §2.2 claims: `iss`, `exp`, `aud`, `sub` (the client id when no end user is involved, e.g.
 * client_credentials), `client_id`, `iat`, `jti` (the record's id, so revocation and introspection find it), `scope`
 * (§2.2.3), `auth_time` when known (§2.2.1); hook claims kept in `record.extra`.
 */
const jwtAccessTokenClaims = (config: ServerConfig, record: AccessTokenRecord, options: JwtAccessTokenOptions = {}): Claims => ({
  ...(record.extra ?? {}),
  iss: config.issuer,
  exp: record.expiresAt,
  aud: audienceOf(config, record, options),
  sub: record.subject ?? record.clientId,
  client_id: record.clientId,
  iat: record.issuedAt,
  jti: record.id,
  scope: formatScope(record.scope),
  ...optional('auth_time', record.authTime),
});

/** Signs an RFC 9068 access token (the `tokens.accessToken` hook of `issueTokens`), `typ: at+jwt` (§2.1). */
export const signJwtAccessToken =
  (config: ServerConfig, signer: Signer, options: JwtAccessTokenOptions = {}) =>
  (record: AccessTokenRecord, _client: Client): TaskEither<OAuthError, string> =>
    pipe(signer.sign(jwtAccessTokenClaims(config, record, options), { alg: options.alg ?? 'RS256', typ: accessTokenJwtType }), TE.mapError(fromStoreError));
