import { nonEmptyString, struct, type TypeOf } from '../../codec/decode.js';

/** RFC 6749 §4.4.2 token request parameters. */
export const clientCredentialsParams = struct('client_credentials request', {}, { scope: nonEmptyString });

export type ClientCredentialsParams = TypeOf<typeof clientCredentialsParams>;
