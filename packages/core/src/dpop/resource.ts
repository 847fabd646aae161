import * as TE from 'fp-ts/lib/TaskEither.js';
import { pipe } from 'fp-ts/lib/function.js';
import type { AccessTokenRecord } from '../domain/records.js';
import { oauthError, type OAuthError } from '../errors/oauth-error.js';
import type { HttpRequest } from '../http/http-request.js';
import type { ReplayCache } from '../ports/stores.js';
import { boundJkt } from './binding.js';
import { dpopHeader, verifyDpopProof, type DpopProofPorts } from './proof.js';

/** How the access token of a request was presented (RFC 6750 §2 or RFC 9449 §7.1). */
export type TokenScheme = 'Bearer' | 'DPoP';

const invalidToken = (description: string, detail: string): OAuthError => oauthError('invalid_token', description, { detail });

/**
 * RFC 9449 §7 at a protected resource, once the token's record is found and active:
 * - a token bound to a key (`cnf.jkt`) must come with the `DPoP` scheme: sent as Bearer it is `invalid_token` (§7.2);
 * - with the `DPoP` scheme, the request's proof must verify for this method, this URL and this token (`ath`), be
 *   fresh (`jti` single use) and be signed by the very key the token is bound to; an unbound token is refused too.
 */
export const checkSenderConstraint = (
  ports: Omit<DpopProofPorts, 'replay'> & { readonly replay?: ReplayCache },
  req: HttpRequest,
  presented: { readonly scheme: TokenScheme; readonly token: string; readonly url: string; readonly now: number },
  record: AccessTokenRecord,
): TE.TaskEither<OAuthError, void> => {
  const jkt = boundJkt(record.extra);
  if (presented.scheme === 'Bearer') {
    return jkt === undefined ? TE.right(undefined) : TE.left(invalidToken('This access token is DPoP-bound: use the DPoP scheme with a proof.', 'DPoP token sent as Bearer'));
  }
  if (jkt === undefined) return TE.left(invalidToken('This access token is not DPoP-bound.', 'Bearer token sent with the DPoP scheme'));
  const { replay } = ports;
  if (replay === undefined) return TE.left(invalidToken('DPoP is not available here.', 'bearer check without a replay cache'));
  const header = dpopHeader(req.headers);
  if ('_tag' in header) return TE.left(header);
  if (header.proof === undefined) return TE.left(oauthError('invalid_dpop_proof', 'A DPoP proof is required.', { detail: 'DPoP scheme without DPoP header' }));
  return pipe(
    verifyDpopProof({ ...ports, replay }, header.proof, { method: req.method, url: presented.url, accessToken: presented.token, now: presented.now }),
    TE.flatMap((binding) => (binding.jkt === jkt ? TE.right(undefined) : TE.left(invalidToken('The DPoP proof is signed by another key than the token is bound to.', 'jkt mismatch')))),
  );
};
