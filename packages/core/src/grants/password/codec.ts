import { nonEmptyString, struct, type TypeOf } from '../../codec/decode.js';

/** RFC 6749 §4.3.2 token request parameters of the resource owner password credentials grant. */
export const passwordParams = struct('password request', { username: nonEmptyString, password: nonEmptyString }, { scope: nonEmptyString });

export type PasswordParams = TypeOf<typeof passwordParams>;
