import { oauthError, oauthErrorStatus, oauthWireCode, serverError, type OAuthError } from '../errors/oauth-error.js';
import { json, noStore, type HttpResponse } from '../http/http-response.js';
import type { Logger } from '../ports/runtime.js';
import { optional } from '../domain/optional.js';

/**
 * RFC 6749 §5.2 error response: `{ error, error_description }` as JSON (`error` from `oauthWireCode`, so only
 * registered codes reach the wire) with the status of `oauthErrorStatus`, the
 * error's own headers (e.g. `WWW-Authenticate`, `Allow`) and `Cache-Control: no-store`. The private `detail` and
 * `cause` never reach the body. Used by every JSON endpoint.
 */
export const renderError = (error: OAuthError): HttpResponse =>
  json(oauthErrorStatus[error.code], { error: oauthWireCode[error.code], error_description: error.description }, { ...noStore, ...(error.headers ?? {}) });

/**
 * Logs an error with its private detail: infrastructure faults (`server_error`) at `error`,
 * `temporarily_unavailable` at `warn`, protocol refusals at `debug`.
 */
/** Longest private detail a log line carries (a detail may quote a client_id or scope the client sent). */
const maxLoggedDetail = 256;

/**
 * A detail as it may enter a log: request values quoted in it (client_id, scope…) are cut to `maxLoggedDetail`
 * characters, and control and bidirectional-formatting characters are written as `\u{…}` escapes, so a request can
 * neither flood the log nor forge or disguise a line (RFC 9700 §4.16; OWASP log injection).
 */
export const loggable = (text: string): string => {
  const cut = text.length > maxLoggedDetail ? `${text.slice(0, maxLoggedDetail)}… (${text.length} characters)` : text;
  return cut.replace(/[\u0000-\u001f\u007f-\u009f\u200e\u200f\u202a-\u202e\u2066-\u2069]/g, (c) => `\\u{${(c.codePointAt(0) ?? 0).toString(16)}}`);
};

export const logError = (logger: Logger, endpoint: string, error: OAuthError): void => {
  const level = error.code === 'server_error' ? 'error' : error.code === 'temporarily_unavailable' ? 'warn' : 'debug';
  logger.log(level, `${endpoint}: ${error.code}`, {
    endpoint,
    code: error.code,
    ...optional('detail', error.detail === undefined ? undefined : loggable(error.detail)),
    ...optional('cause', error.cause),
  });
};

/** Logs then renders. */
export const failWith = (logger: Logger, endpoint: string, error: OAuthError): HttpResponse => {
  logError(logger, endpoint, error);
  return renderError(error);
};

/** 405 with `Allow` (RFC 9110 §15.5.6) as an RFC-shaped JSON error. */
export const methodNotAllowed = (allowed: readonly string[]): OAuthError =>
  oauthError('method_not_allowed', `The method is not allowed; use ${allowed.join(', ')}.`, { headers: { allow: allowed.join(', ') } });

/**
 * Last-resort guard: runs `handle` and turns any rejection or throw (a bug, a misbehaving port) into a logged
 * `server_error` 500 without stack traces. The route table puts every route behind it once, so no route rejects.
 */
export const guarded =
  <A extends unknown[]>(logger: Logger, endpoint: string, handle: (...args: A) => Promise<HttpResponse>) =>
  async (...args: A): Promise<HttpResponse> => {
    try {
      return await handle(...args);
    } catch (cause) {
      try {
        logger.log('error', `${endpoint}: unexpected failure`, { endpoint, cause });
      } catch {
        // A failing logger must not turn a 500 into a rejection.
      }
      return renderError(serverError('unexpected failure', cause));
    }
  };
