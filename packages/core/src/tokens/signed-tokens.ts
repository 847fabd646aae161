import type { ServerConfig } from '../server/config.js';
import type { Signer } from '../ports/keys.js';
import { runHook, type ClaimHooks } from './claim-hooks.js';
import { signIdToken, type IdTokenOptions } from './id-token.js';
import type { TokenHooks } from './issue.js';
import { signJwtAccessToken, type JwtAccessTokenOptions } from './jwt-access-token.js';

export interface SignedTokenOptions {
  readonly claims?: ClaimHooks;
  readonly idToken?: IdTokenOptions;
  readonly accessToken?: JwtAccessTokenOptions;
}

/**
 * The `tokens` port of `issueTokens`, filled by the signing side: RFC 9068 JWT access tokens, OpenID Connect ID tokens
 * and the access-token claims hook. `createAuthorizationServer` builds it from the server's `Signer`.
 */
export const signedTokenHooks = (config: ServerConfig, signer: Signer, options: SignedTokenOptions = {}): TokenHooks => {
  const claims = options.claims ?? {};
  const accessClaims = claims.accessToken;
  return {
    accessToken: signJwtAccessToken(config, signer, options.accessToken),
    idToken: signIdToken(config, signer, claims, options.idToken),
    ...(accessClaims === undefined ? {} : { accessTokenClaims: (ctx: Parameters<typeof accessClaims>[0]) => runHook(accessClaims, ctx) }),
  };
};
