import * as E from 'fp-ts/lib/Either.js';
import { invalidGrant, type OAuthError } from '../errors/oauth-error.js';
import type { AuthorizationCodeRecord, PkceChallenge } from '../domain/records.js';
import type { ConsumeOutcome } from '../ports/stores.js';
import { reject, revokeGrant, type Rejection } from './rejection.js';

/**
 * The life of an authorization code: `active` until it is redeemed (once) or until `expiresAt`.
 * The store performs the one atomic transition (`redeem`: set `redeemedAt` when unset); the functions here judge
 * the record the store returns.
 */
export type CodeStatus = 'active' | 'redeemed' | 'expired';

/** The status of a code at `now` (epoch seconds). A redeemed code stays redeemed after expiry. */
export const codeStatus = (record: AuthorizationCodeRecord, now: number): CodeStatus =>
  record.redeemedAt !== undefined ? 'redeemed' : now >= record.expiresAt ? 'expired' : 'active';

/**
 * The store's atomic `redeem`, as a pure function (for fakes and model tests): the first call marks the code
 * redeemed and reports `Consumed`; every later call changes nothing and reports `AlreadyConsumed`.
 */
export const redeemTransition = (
  record: AuthorizationCodeRecord | undefined,
  now: number,
): { readonly outcome: ConsumeOutcome<AuthorizationCodeRecord>; readonly next: AuthorizationCodeRecord | undefined } =>
  record === undefined
    ? { outcome: { _tag: 'NotFound' }, next: undefined }
    : record.redeemedAt !== undefined
      ? { outcome: { _tag: 'AlreadyConsumed', record }, next: record }
      : { outcome: { _tag: 'Consumed', record }, next: { ...record, redeemedAt: Math.floor(now) } };

/** What the token request presents along with the code (RFC 6749 §4.1.3, RFC 7636 §4.5). */
export interface CodeRedemption {
  /** The authenticated (or, for public clients, identified) client. */
  readonly clientId: string;
  readonly redirectUri?: string | undefined;
  readonly codeVerifier?: string | undefined;
  /** RFC 9449 §10: the thumbprint of the token request's DPoP proof key, when it carried one. */
  readonly dpopJkt?: string | undefined;
}

/**
 * RFC 7636 §4.6: `S256` compares `BASE64URL(SHA256(ASCII(code_verifier)))` with the stored challenge, `plain`
 * compares the verifier itself. `s256` is that transform (`ports.secrets.hash` is exactly it). A verifier sent for a
 * code issued without a challenge is refused too (OAuth 2.1 §4.1.3), as is a missing verifier when there was one.
 */
export const verifyPkce = (
  pkce: PkceChallenge | undefined,
  codeVerifier: string | undefined,
  s256: (verifier: string) => string,
): E.Either<OAuthError, void> => {
  if (pkce === undefined) {
    return codeVerifier === undefined ? E.right(undefined) : E.left(invalidGrant('A code_verifier was sent for a code issued without PKCE.', 'unexpected code_verifier'));
  }
  if (codeVerifier === undefined) return E.left(invalidGrant('The code_verifier parameter is required for this code.', 'missing code_verifier'));
  const derived = pkce.method === 'S256' ? s256(codeVerifier) : codeVerifier;
  return constantTimeEqual(derived, pkce.challenge) ? E.right(undefined) : E.left(invalidGrant('The code_verifier does not match the code_challenge.', 'PKCE mismatch'));
};

/** Length-independent comparison without early exit. */
export const constantTimeEqual = (a: string, b: string): boolean => {
  let diff = a.length ^ b.length;
  for (let i = 0; i < Math.max(a.length, b.length); i++) diff |= (a.charCodeAt(i) | 0) ^ (b.charCodeAt(i) | 0);
  return diff === 0;
};

const notFound = () => invalidGrant('The authorization code is invalid.', 'code not found');

/**
 * Judges the outcome of the store's atomic `redeem` for one token request (RFC 6749 §4.1.3):
 * - `NotFound` → `invalid_grant`;
 * - `AlreadyConsumed` → `invalid_grant` plus a `RevokeGrant` effect: "If an authorization code is used more than
 *   once, the authorization server MUST deny the request and SHOULD revoke (when possible) all tokens previously
 *   issued based on that authorization code" (RFC 6749 §4.1.2);
 * - `Consumed` → the code must be unexpired, issued to this client, for this `redirect_uri` (simple string
 *   comparison; required whenever the record has one, and Grantor always stores it), the DPoP key it is bound to
 *   (RFC 9449 §10: `dpop_jkt`; a proof by that key) and its PKCE verifier (RFC 7636 §4.6). Otherwise `invalid_grant`.
 */
export const judgeCodeRedemption = (
  outcome: ConsumeOutcome<AuthorizationCodeRecord>,
  request: CodeRedemption,
  now: number,
  s256: (verifier: string) => string,
): E.Either<Rejection, AuthorizationCodeRecord> => {
  switch (outcome._tag) {
    case 'NotFound':
      return E.left(reject(notFound()));
    case 'AlreadyConsumed':
      return E.left(reject(invalidGrant('The authorization code has already been used.', 'code replay'), [revokeGrant(outcome.record.grantId)]));
    case 'Consumed': {
      const record = outcome.record;
      if (now >= record.expiresAt) return E.left(reject(invalidGrant('The authorization code has expired.', 'code expired')));
      if (record.clientId !== request.clientId) return E.left(reject(invalidGrant('The authorization code was issued to another client.', 'client mismatch')));
      if (record.redirectUri !== '' && request.redirectUri !== record.redirectUri) {
        return E.left(reject(invalidGrant('The redirect_uri does not match the authorization request.', 'redirect_uri mismatch')));
      }
      if (record.dpopJkt !== undefined && request.dpopJkt !== record.dpopJkt) {
        return E.left(reject(invalidGrant('The authorization code is bound to another DPoP key.', request.dpopJkt === undefined ? 'dpop_jkt code without proof' : 'dpop_jkt mismatch')));
      }
      return E.bimap(
        (error: OAuthError) => reject(error),
        () => record,
      )(verifyPkce(record.pkce, request.codeVerifier, s256));
    }
  }
};
