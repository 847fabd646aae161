/**
 * The error classes of `@node-oauth/oauth2-server` 5, with the same `name` (the OAuth error code) and default `code`
 * (HTTP status) — written for this package, so `err instanceof InvalidGrantError` and `err.code` keep working in
 * apps that switch their import.
 */
import { STATUS_CODES } from 'node:http';

type Properties = Readonly<Record<string, unknown>> & { readonly code?: number; readonly name?: string };

/** Base class: `code`, `status` and `statusCode` are the HTTP status; `name` is the OAuth error code. */
export class OAuthError extends Error {
  code: number;
  status: number;
  statusCode: number;
  inner?: Error;
  [key: string]: unknown;

  constructor(messageOrError?: string | Error, properties?: Properties) {
    super(messageOrError instanceof Error ? messageOrError.message : messageOrError);
    const props: Properties = { code: 500, ...(properties ?? {}) };
    const status = typeof props.code === 'number' ? props.code : 500;
    this.code = this.status = this.statusCode = status;
    if (messageOrError instanceof Error) this.inner = messageOrError;
    if (this.message === '') this.message = STATUS_CODES[status] ?? '';
    for (const [key, value] of Object.entries(props)) if (key !== 'code') this[key] = value;
  }
}

const errorClass = (name: string, code: number) =>
  class extends OAuthError {
    constructor(message?: string | Error, properties?: Properties) {
      super(message, { code, name, ...(properties ?? {}) });
    }
  };

export class AccessDeniedError extends errorClass('access_denied', 400) {}
export class InsufficientScopeError extends errorClass('insufficient_scope', 403) {}
export class InvalidArgumentError extends errorClass('invalid_argument', 500) {}
export class InvalidClientError extends errorClass('invalid_client', 400) {}
export class InvalidGrantError extends errorClass('invalid_grant', 400) {}
export class InvalidRequestError extends errorClass('invalid_request', 400) {}
export class InvalidScopeError extends errorClass('invalid_scope', 400) {}
export class InvalidTokenError extends errorClass('invalid_token', 401) {}
export class ServerError extends errorClass('server_error', 503) {}
export class UnauthorizedClientError extends errorClass('unauthorized_client', 400) {}
export class UnauthorizedRequestError extends errorClass('unauthorized_request', 401) {}
export class UnsupportedGrantTypeError extends errorClass('unsupported_grant_type', 400) {}
export class UnsupportedResponseTypeError extends errorClass('unsupported_response_type', 400) {}

const byCode: Readonly<Record<string, new (message?: string | Error, properties?: Properties) => OAuthError>> = {
  access_denied: AccessDeniedError,
  insufficient_scope: InsufficientScopeError,
  invalid_client: InvalidClientError,
  invalid_grant: InvalidGrantError,
  invalid_request: InvalidRequestError,
  invalid_scope: InvalidScopeError,
  invalid_token: InvalidTokenError,
  server_error: ServerError,
  temporarily_unavailable: ServerError,
  unauthorized_client: UnauthorizedClientError,
  unsupported_grant_type: UnsupportedGrantTypeError,
  unsupported_response_type: UnsupportedResponseTypeError,
};

/**
 * The error to throw for an RFC error Grantor answered: the class oauth2-server uses for that code, with Grantor's
 * status (RFC 6749 §5.2: e.g. 401 for `invalid_client`). Unknown codes are `OAuthError`s named after the code.
 */
export const errorFor = (code: string, description: string, status: number): OAuthError => {
  const Known = Object.hasOwn(byCode, code) ? byCode[code] : undefined;
  return Known === undefined ? new OAuthError(description, { code: status, name: code }) : new Known(description, { code: status });
};
