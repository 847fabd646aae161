import { nonEmptyString, struct, type TypeOf } from '../../codec/decode.js';

/** RFC 6749 §6 refresh request parameters (plus RFC 8707 §2 `resource`). */
export const refreshTokenParams = struct('refresh_token request', { refresh_token: nonEmptyString }, { scope: nonEmptyString, resource: nonEmptyString });

export type RefreshTokenParams = TypeOf<typeof refreshTokenParams>;
