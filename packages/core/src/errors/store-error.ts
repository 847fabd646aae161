import { oauthError, type OAuthError } from './oauth-error.js';

/**
 * A storage fault, kept apart from protocol errors. `transient` faults (connection refused, pool exhausted,
 * serialization failure after retries, timeouts) become `temporarily_unavailable`; the rest `server_error`.
 */
export interface StoreError {
  readonly _tag: 'StoreError';
  readonly transient: boolean;
  readonly detail: string;
  readonly cause?: unknown;
}

export const storeError = (detail: string, options: { readonly transient?: boolean; readonly cause?: unknown } = {}): StoreError =>
  Object.freeze({ _tag: 'StoreError' as const, transient: options.transient ?? false, detail, ...(options.cause === undefined ? {} : { cause: options.cause }) });

/** Maps a store fault to the OAuth error a client sees (the detail and cause only reach the log). */
export const fromStoreError = (e: StoreError): OAuthError =>
  e.transient
    ? oauthError('temporarily_unavailable', 'The authorization server is temporarily unavailable; retry later.', { detail: e.detail, cause: e.cause })
    : oauthError('server_error', 'The authorization server encountered an unexpected condition.', { detail: e.detail, cause: e.cause });
