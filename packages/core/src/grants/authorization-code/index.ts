import type { Grant } from '../grant.js';
import { authorizationCodeParams, type AuthorizationCodeParams } from './codec.js';
import { handleAuthorizationCode, type AuthorizationCodePorts } from './handler.js';

export { type AuthorizationCodeParams } from './codec.js';
export { type AuthorizationCodePorts } from './handler.js';

/** RFC 6749 §4.1 authorization code grant (public clients too, with PKCE). */
export const authorizationCodeGrant: Grant<AuthorizationCodePorts, AuthorizationCodeParams, 'authorization_code'> = {
  grantType: 'authorization_code',
  params: authorizationCodeParams,
  clients: 'any',
  ports: ['authorizationCodes', 'refreshTokens'],
  handle: handleAuthorizationCode,
};
