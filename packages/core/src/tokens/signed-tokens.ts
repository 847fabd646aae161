import type { ServerConfig } from '../config/server-config.js';
import type { Signer, SigningAlg } from '../ports/keys.js';
import { runHook, type ClaimHooks } from './claim-hooks.js';
import { signIdToken } from './id-token.js';
import type { TokenHooks } from './issue.js';
import { signJwtAccessToken } from './jwt-access-token.js';
import { optional } from '../domain/optional.js';

/** Options of the signing side (functions and key choices, which the decoded `ServerConfig` does not carry). */
export interface SigningOptions {
  /** Algorithms with an active key (default RS256 and ES256). */
  readonly algorithms?: readonly SigningAlg[];
  /** ID token `alg` (default RS256). */
  readonly idTokenAlg?: SigningAlg;
  /** RFC 9068 access token `alg` (default ES256: the fastest to sign; ID tokens stay RS256 for interoperability). */
  readonly accessTokenAlg?: SigningAlg;
  /** `aud` of JWT access tokens without a recorded audience (default: the issuer). */
  readonly accessTokenAudience?: string | readonly string[];
  /**
   * How long retired keys stay published (seconds). Default: the longest of the configured access-token and ID-token
   * lifetimes plus the assertion clock skew; raise it when a client's own lifetimes are longer.
   */
  readonly maxTokenLifetime?: number;
}

/**
 * The `tokens` port of `issueTokens`, built once per server from its `Signer`: RFC 9068 JWT access tokens, OpenID
 * Connect Core §2 ID tokens (RS256 unless `signing` says otherwise) and the access-token claims hook.
 */
export const signedTokenHooks = (config: ServerConfig, signer: Signer, signing: SigningOptions = {}, claims: ClaimHooks = {}): TokenHooks => {
  const accessClaims = claims.accessToken;
  return {
    accessToken: signJwtAccessToken(config, signer, {
      ...optional('alg', signing.accessTokenAlg),
      ...optional('defaultAudience', signing.accessTokenAudience),
    }),
    idToken: signIdToken(config, signer, claims, { alg: signing.idTokenAlg ?? 'RS256' }),
    ...(accessClaims === undefined ? {} : { accessTokenClaims: (ctx: Parameters<typeof accessClaims>[0]) => runHook(accessClaims, ctx) }),
  };
};
