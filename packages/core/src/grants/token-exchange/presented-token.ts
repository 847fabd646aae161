import * as O from 'fp-ts/lib/Option.js';
import * as TE from 'fp-ts/lib/TaskEither.js';
import { pipe } from 'fp-ts/lib/function.js';
import type { AccessTokenRecord } from '../../domain/records.js';
import { invalidRequest, type OAuthError } from '../../errors/oauth-error.js';
import { fromStoreError } from '../../errors/store-error.js';
import { looksLikeJws } from '../../keys/verify.js';
import type { Signer } from '../../ports/keys.js';
import type { SecretHasher } from '../../ports/runtime.js';
import type { AccessTokenStore } from '../../ports/stores.js';
import type { ServerConfig } from '../../config/server-config.js';
import { findAccessToken, isActiveAccessToken } from '../../tokens/lookup.js';
import { acceptedInputTokenTypes, tokenTypes } from './token-types.js';

/** What resolving a presented subject or actor token reads. */
export interface PresentedTokenPorts {
  readonly config: ServerConfig;
  readonly secrets: SecretHasher;
  readonly accessTokens: AccessTokenStore;
  /** The server's published keys (RFC 9068 JWT access tokens); without them a JWT is never found. */
  readonly signer?: Pick<Signer, 'publicJwks'>;
}

const noKeys: Pick<Signer, 'publicJwks'> = { publicJwks: () => TE.right({ keys: [] }) };

/**
 * RFC 8693 §2.1 / §2.2.2: resolves a `subject_token` or `actor_token` of a supported type to the record of an access
 * token this server issued: opaque tokens by `secrets.hash(token)`, RFC 9068 JWTs by verified `jti` (see
 * `findAccessToken`). Unsupported type, a non-JWT declared as `jwt`, an unknown, revoked or expired token: each is
 * `invalid_request` ("If either subject_token or actor_token are invalid for any reason ... the invalid_request error
 * code MUST be used"). Store faults are `server_error`/`temporarily_unavailable`.
 */
export const resolvePresentedToken = (
  deps: PresentedTokenPorts,
  which: 'subject' | 'actor',
  token: string,
  tokenType: string,
  now: number,
): TE.TaskEither<OAuthError, AccessTokenRecord> => {
  if (!acceptedInputTokenTypes.includes(tokenType)) {
    return TE.left(invalidRequest(`The ${which}_token_type is not supported (access_token or jwt).`, `${which}_token_type ${tokenType}`));
  }
  if (tokenType === tokenTypes.jwt && !looksLikeJws(token)) return TE.left(invalidRequest(`The ${which}_token is not a JWT.`, `${which} token declared jwt`));
  const lookup = { config: deps.config, secrets: deps.secrets, accessTokens: deps.accessTokens, signer: deps.signer ?? noKeys };
  return pipe(
    findAccessToken(lookup, token),
    TE.mapError(fromStoreError),
    TE.flatMap(
      O.match(
        () => TE.left(invalidRequest(`The ${which}_token is invalid, expired or revoked.`, `${which} token not found`)),
        (record) =>
          isActiveAccessToken(record, now)
            ? TE.right(record)
            : TE.left(invalidRequest(`The ${which}_token is invalid, expired or revoked.`, `${which} token inactive`)),
      ),
    ),
  );
};
