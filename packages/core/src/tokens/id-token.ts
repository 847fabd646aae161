import * as TE from 'fp-ts/lib/TaskEither.js';
import { pipe } from 'fp-ts/lib/function.js';
import type { TaskEither } from 'fp-ts/lib/TaskEither.js';
import type { OAuthError } from '../errors/oauth-error.js';
import { fromStoreError } from '../errors/store-error.js';
import type { Signer, SigningAlg } from '../ports/keys.js';
import type { ServerConfig } from '../config/server-config.js';
import { runHook, type ClaimHooks, type Claims } from './claim-hooks.js';
import { leftHalfHash } from './hash.js';
import type { IdTokenRequest } from './issue.js';
import { optional } from '../domain/optional.js';

export interface IdTokenOptions {
  /** Default RS256 (OpenID Connect Core §15.1: RS256 must be supported; the acceptance suite requires it). */
  readonly alg?: SigningAlg;
}

/**
 * The claims of an ID token, OpenID Connect Core §2 and §3.1.3.6: `iss` (the issuer verbatim), `sub`, `aud` (the
 * client id), `exp`, `iat`, `auth_time` when known, `nonce` echoed unchanged when the request had one, `acr` when
 * known, `azp` (the client id, §2), `at_hash` for the access token of the same response. User claims are not added
 * here (an access token is always issued, so userinfo serves them, §5.4); `extra` comes from the ID-token claims hook.
 */
const idTokenClaims = (issuer: string, req: IdTokenRequest, atHash: string, extra: Claims = {}): Claims => ({
  ...extra,
  iss: issuer,
  sub: req.subject,
  aud: req.client.clientId,
  exp: req.expiresAt,
  iat: req.issuedAt,
  ...optional('auth_time', req.authTime === undefined ? undefined : Math.floor(req.authTime)),
  ...optional('nonce', req.nonce),
  ...optional('acr', req.acr),
  azp: req.client.clientId,
  at_hash: atHash,
});

/** Builds and signs the ID token (the `tokens.idToken` hook of `issueTokens`). A signing fault is `server_error`. */
export const signIdToken =
  (config: ServerConfig, signer: Signer, hooks: ClaimHooks = {}, options: IdTokenOptions = {}) =>
  (req: IdTokenRequest): TaskEither<OAuthError, string> => {
    const alg = options.alg ?? 'RS256';
    return pipe(
      TE.Do,
      TE.bind('atHash', () => pipe(leftHalfHash(req.accessToken, alg), TE.mapError(fromStoreError))),
      TE.bind('extra', () =>
        runHook(hooks.idToken, { client: req.client, grantType: req.grantType, subject: req.subject, scope: req.scope }),
      ),
      TE.flatMap(({ atHash, extra }) => pipe(signer.sign(idTokenClaims(config.issuer, req, atHash, extra), { alg, typ: 'JWT' }), TE.mapError(fromStoreError))),
    );
  };
