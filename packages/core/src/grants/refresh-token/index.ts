import type { Grant } from '../grant.js';
import { refreshTokenParams, type RefreshTokenParams } from './codec.js';
import { handleRefreshToken, type RefreshTokenGrantPorts } from './handler.js';

export { type RefreshTokenParams } from './codec.js';
export { type RefreshTokenGrantPorts } from './handler.js';

/** RFC 6749 §6 refresh token grant with rotation and reuse detection (RFC 9700 §4.14.2). */
export const refreshTokenGrant: Grant<RefreshTokenGrantPorts, RefreshTokenParams, 'refresh_token'> = {
  grantType: 'refresh_token',
  params: refreshTokenParams,
  clients: 'any',
  ports: ['refreshTokens'],
  handle: handleRefreshToken,
};
