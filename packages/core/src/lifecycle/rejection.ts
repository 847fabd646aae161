import type { OAuthError } from '../errors/oauth-error.js';

/**
 * What a lifecycle asks the caller to do besides refusing: revoke every access and refresh token of a grant
 * (authorization-code replay, RFC 6749 §4.1.2; refresh-token reuse, RFC 9700 §4.14.2).
 */
export interface RevokeGrant {
  readonly _tag: 'RevokeGrant';
  readonly grantId: string;
}

/** A refused transition: the error for the client and the effects to run before answering. */
export interface Rejection {
  readonly error: OAuthError;
  readonly effects: readonly RevokeGrant[];
}

export const reject = (error: OAuthError, effects: readonly RevokeGrant[] = []): Rejection => ({ error, effects });
export const revokeGrant = (grantId: string): RevokeGrant => ({ _tag: 'RevokeGrant', grantId });
