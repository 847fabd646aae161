import { nonEmptyString, struct, type TypeOf } from '../../codec/decode.js';

/** RFC 6749 §4.1.3 token request parameters (plus RFC 7636 §4.5 `code_verifier`, RFC 8707 §2 `resource`). */
export const authorizationCodeParams = struct('authorization_code request', { code: nonEmptyString }, { redirect_uri: nonEmptyString, code_verifier: nonEmptyString, resource: nonEmptyString });

export type AuthorizationCodeParams = TypeOf<typeof authorizationCodeParams>;

/** RFC 7636 §4.1: `code-verifier = 43*128unreserved` (ALPHA / DIGIT / "-" / "." / "_" / "~"). */
export const isCodeVerifier = (v: string): boolean => /^[A-Za-z0-9\-._~]{43,128}$/.test(v);
