import { nonEmptyString, struct, type TypeOf } from '../../codec/decode.js';

/**
 * RFC 8693 §2.1 token exchange request parameters. `resource` and `audience` may each appear once (the form parser
 * refuses repeated parameters, RFC 6749 §3.1), so one target of each kind per request.
 */
export const tokenExchangeParams = struct(
  'token-exchange request',
  { subject_token: nonEmptyString, subject_token_type: nonEmptyString },
  {
    actor_token: nonEmptyString,
    actor_token_type: nonEmptyString,
    resource: nonEmptyString,
    audience: nonEmptyString,
    requested_token_type: nonEmptyString,
    scope: nonEmptyString,
  },
);

export type TokenExchangeParams = TypeOf<typeof tokenExchangeParams>;
