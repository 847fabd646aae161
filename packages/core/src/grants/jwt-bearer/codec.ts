import { nonEmptyString, struct, type TypeOf } from '../../codec/decode.js';

/** RFC 7523 §2.1 / RFC 7521 §4.1 token request parameters of the JWT bearer grant (`assertion` is required). */
export const jwtBearerParams = struct('jwt-bearer request', { assertion: nonEmptyString }, { scope: nonEmptyString });

export type JwtBearerParams = TypeOf<typeof jwtBearerParams>;
