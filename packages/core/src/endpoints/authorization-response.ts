import { redirect, type RedirectResponse } from '../http/http-response.js';
import type { OAuthError } from '../errors/oauth-error.js';

/**
 * RFC 6749 §4.1.2 / §3.1.2: the authorization response is added to the redirect URI's query component, keeping any
 * query it already has (and before a fragment, should one be registered). Absent values are left out.
 */
export const appendQuery = (uri: string, params: Readonly<Record<string, string | undefined>>): string => {
  const hashAt = uri.indexOf('#');
  const base = hashAt < 0 ? uri : uri.slice(0, hashAt);
  const fragment = hashAt < 0 ? '' : uri.slice(hashAt);
  const encoded = Object.entries(params)
    .filter((e): e is [string, string] => e[1] !== undefined)
    .map(([k, v]) => `${encodeURIComponent(k)}=${encodeURIComponent(v)}`)
    .join('&');
  if (encoded === '') return uri;
  const separator = !base.includes('?') ? '?' : base.endsWith('?') || base.endsWith('&') ? '' : '&';
  return `${base}${separator}${encoded}${fragment}`;
};

/**
 * RFC 6749 §4.1.2.1 error response sent back to the client's redirect URI, with `state` echoed unchanged and the
 * issuer (RFC 9207 §2) so that the client can detect mix-up attacks.
 */
export const errorRedirect = (issuer: string, redirectUri: string, error: OAuthError, state: string | undefined): RedirectResponse =>
  redirect(appendQuery(redirectUri, { error: error.code, error_description: error.description, state, iss: issuer }), 303);

/** RFC 6749 §4.1.2 successful authorization response with `code`, `state` and RFC 9207 `iss`. */
export const codeRedirect = (issuer: string, redirectUri: string, code: string, state: string | undefined): RedirectResponse =>
  redirect(appendQuery(redirectUri, { code, state, iss: issuer }), 303);
