import type { Grant } from '../grant.js';
import { tokenExchangeParams, type TokenExchangeParams } from './codec.js';
import { handleTokenExchange, type TokenExchangePorts } from './handler.js';
import { tokenExchangeGrantType } from './token-types.js';

export { type TokenExchangeParams } from './codec.js';
export { type TokenExchangePorts } from './handler.js';
export { ownTokensPolicy, type TokenExchangePolicy } from './policy.js';
export { tokenExchangeGrantType, tokenTypes } from './token-types.js';

/** RFC 8693 token exchange. Any client type; what may be exchanged is the `TokenExchangePolicy`'s call. */
export const tokenExchangeGrant: Grant<TokenExchangePorts, TokenExchangeParams, typeof tokenExchangeGrantType> = {
  grantType: tokenExchangeGrantType,
  params: tokenExchangeParams,
  clients: 'any',
  ports: [],
  handle: handleTokenExchange };
