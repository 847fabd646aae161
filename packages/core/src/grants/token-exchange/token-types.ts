/** RFC 8693 §3 token type identifiers Grantor understands. */
export const tokenTypes = {
  accessToken: 'urn:ietf:params:oauth:token-type:access_token',
  jwt: 'urn:ietf:params:oauth:token-type:jwt',
} as const;

/** RFC 8693 §2.1 grant type. */
export const tokenExchangeGrantType = 'urn:ietf:params:oauth:grant-type:token-exchange';

/** Subject and actor token types accepted: this server's own access tokens, opaque or RFC 9068 JWTs. */
export const acceptedInputTokenTypes: readonly string[] = [tokenTypes.accessToken, tokenTypes.jwt];
