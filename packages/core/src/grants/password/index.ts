import type { Grant } from '../grant.js';
import { passwordParams, type PasswordParams } from './codec.js';
import { handlePassword, passwordGrantType, type PasswordGrantPorts } from './handler.js';

export { type PasswordParams } from './codec.js';
export { passwordGrantType, throttleKeys, type PasswordGrantPorts } from './handler.js';

/**
 * RFC 6749 §4.3 resource owner password credentials — legacy (RFC 9700 §2.4: MUST NOT be used), off by default; see
 * `handler.ts`. Any client type (RFC 6749 §4.3.2 requires authentication only from confidential clients).
 */
export const passwordGrant: Grant<PasswordGrantPorts, PasswordParams, typeof passwordGrantType> = {
  grantType: passwordGrantType,
  params: passwordParams,
  clients: 'any',
  ports: ['passwords', 'loginThrottle'],
  handle: handlePassword,
};
