export { OAuth2Server } from './server.js';
export type { AuthenticateHandler, OAuth2ServerOptions } from './server.js';
export { Request, Response } from './request-response.js';
export {
  AccessDeniedError,
  InsufficientScopeError,
  InvalidArgumentError,
  InvalidClientError,
  InvalidGrantError,
  InvalidRequestError,
  InvalidScopeError,
  InvalidTokenError,
  OAuthError,
  ServerError,
  UnauthorizedClientError,
  UnauthorizedRequestError,
  UnsupportedGrantTypeError,
  UnsupportedResponseTypeError,
} from './errors.js';
