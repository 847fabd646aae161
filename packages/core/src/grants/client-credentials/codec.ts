import { nonEmptyString, struct, type TypeOf } from '../../codec/decode.js';

/** RFC 6749 §4.4.2 token request parameters (plus RFC 8707 §2 `resource`). */
export const clientCredentialsParams = struct('client_credentials request', {}, { scope: nonEmptyString, resource: nonEmptyString });

export type ClientCredentialsParams = TypeOf<typeof clientCredentialsParams>;
