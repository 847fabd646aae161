import type { Grant } from '../grant.js';
import { tokenExchangeParams, type TokenExchangeParams } from './codec.js';
import { handleTokenExchange, type TokenExchangePorts } from './handler.js';
import { tokenExchangeGrantType } from './token-types.js';

export { tokenExchangeParams, type TokenExchangeParams } from './codec.js';
export { actClaim, handleTokenExchange, type TokenExchangePorts } from './handler.js';
export {
  defaultTokenExchangePolicy,
  ownTokensPolicy,
  type OwnTokensPolicyOptions,
  type TokenExchangeDecision,
  type TokenExchangePolicy,
  type TokenExchangeRequest,
} from './policy.js';
export { resolvePresentedToken, type PresentedTokenPorts } from './presented-token.js';
export { acceptedInputTokenTypes, tokenExchangeGrantType, tokenTypes } from './token-types.js';

/** RFC 8693 token exchange. Any client type; what may be exchanged is the `TokenExchangePolicy`'s call. */
export const tokenExchangeGrant: Grant<TokenExchangePorts, TokenExchangeParams, typeof tokenExchangeGrantType> = {
  grantType: tokenExchangeGrantType,
  params: tokenExchangeParams,
  clients: 'any',
  ports: [],
  handle: handleTokenExchange,
};
