import type { Grant } from '../grant.js';
import { jwtBearerParams, type JwtBearerParams } from './codec.js';
import { handleJwtBearer, jwtBearerGrantType, type JwtBearerPorts } from './handler.js';

export { type JwtBearerParams } from './codec.js';
export { jwtBearerGrantType, type JwtBearerPorts } from './handler.js';

/**
 * RFC 7523 §2.1 JWT bearer authorization grant. Open to every client type (RFC 7523 §3.1 makes client
 * authentication optional): the assertion itself is signed with the client's registered key.
 */
export const jwtBearerGrant: Grant<JwtBearerPorts, JwtBearerParams, typeof jwtBearerGrantType> = {
  grantType: jwtBearerGrantType,
  params: jwtBearerParams,
  clients: 'any',
  ports: ['replay'],
  handle: handleJwtBearer,
};
