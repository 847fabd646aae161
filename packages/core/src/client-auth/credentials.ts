import * as E from 'fp-ts/lib/Either.js';
import { oauthError, invalidRequest, type OAuthError } from '../errors/oauth-error.js';
import { base64Decode, utf8Decode } from '../http/encoding.js';
import { decodeFormComponent, type FormParams } from '../http/form-urlencoded.js';

/** RFC 7523 §2.2 / RFC 7521 §4.2 assertion type for client authentication with a JWT. */
export const jwtBearerAssertionType = 'urn:ietf:params:oauth:client-assertion-type:jwt-bearer';

/** The credentials a request presents, before any lookup. */
export type PresentedCredentials =
  /** RFC 6749 §2.3.1 HTTP Basic. */
  | { readonly _tag: 'Basic'; readonly clientId: string; readonly secret: string }
  /** RFC 6749 §2.3.1 `client_id` + `client_secret` in the body. */
  | { readonly _tag: 'Post'; readonly clientId: string; readonly secret: string }
  /** RFC 7523 §2.2 `client_assertion` (private_key_jwt or client_secret_jwt). */
  | { readonly _tag: 'Assertion'; readonly assertion: string; readonly clientId?: string }
  /** RFC 6749 §2.1 / §4.1.3: a public client only identifies itself. */
  | { readonly _tag: 'None'; readonly clientId: string };

const quoted = (s: string): string => `"${s.replace(/["\\]/g, '\\$&')}"`;

/** RFC 6749 §5.2: the challenge sent with a 401 when the client tried HTTP Basic. */
export const basicChallenge = (realm: string): Readonly<Record<string, string>> => ({ 'www-authenticate': `Basic realm=${quoted(realm)}, charset="UTF-8"` });

/** `invalid_client` (RFC 6749 §5.2), with `WWW-Authenticate` when the client attempted HTTP Basic. */
export const invalidClient = (description: string, detail: string, basicRealm?: string): OAuthError =>
  oauthError('invalid_client', description, basicRealm === undefined ? { detail } : { detail, headers: basicChallenge(basicRealm) });

/**
 * RFC 6749 §2.3.1: "the client identifier is encoded using the application/x-www-form-urlencoded encoding algorithm
 * ... and the encoded value is used as the username; the client password is encoded using the same algorithm and
 * used as the password" (RFC 7617 Basic). `undefined` for a value that is not Basic at all; a broken Basic value
 * (not base64, not UTF-8, no colon, bad percent-encoding, empty id) is `invalid_client`. Never throws.
 */
export const parseBasic = (authorization: string | undefined, realm: string): E.Either<OAuthError, { readonly clientId: string; readonly secret: string }> | undefined => {
  if (authorization === undefined) return undefined;
  const match = /^\s*basic(?:\s+(.*))?$/i.exec(authorization);
  if (match === null) return undefined;
  const broken = (detail: string) => E.left(invalidClient('The HTTP Basic credentials are malformed.', detail, realm));
  const bytes = base64Decode((match[1] ?? '').trim());
  if (bytes === undefined) return broken('Basic credentials are not base64');
  const text = utf8Decode(bytes);
  if (text === undefined) return broken('Basic credentials are not UTF-8');
  const colon = text.indexOf(':');
  if (colon === -1) return broken('Basic credentials have no colon');
  const clientId = decodeFormComponent(text.slice(0, colon));
  const secret = decodeFormComponent(text.slice(colon + 1));
  if (clientId === undefined || secret === undefined) return broken('Basic credentials are badly form-urlencoded');
  if (clientId === '' || secret === '') return broken('Basic credentials have an empty id or secret');
  return E.right({ clientId, secret });
};

/**
 * Works out which authentication method a request uses. RFC 6749 §2.3: "The client MUST NOT use more than one
 * authentication method in each request" → `invalid_request`. A `client_id` in the body next to HTTP Basic or an
 * assertion must name the same client. No credentials and no `client_id` → `invalid_client`.
 */
export const presentedCredentials = (authorization: string | undefined, form: FormParams, realm: string): E.Either<OAuthError, PresentedCredentials> => {
  const basic = parseBasic(authorization, realm);
  if (basic !== undefined && E.isLeft(basic)) return basic;
  const formSecret = form['client_secret'];
  const assertion = form['client_assertion'];
  const assertionType = form['client_assertion_type'];
  const formClientId = form['client_id'];
  const usesAssertion = assertion !== undefined || assertionType !== undefined;
  const methods = [basic !== undefined, formSecret !== undefined, usesAssertion].filter(Boolean).length;
  if (methods > 1) return E.left(invalidRequest('The client used more than one authentication method.', 'multiple client authentication methods'));
  if (basic !== undefined) {
    const { clientId, secret } = (basic as E.Right<{ readonly clientId: string; readonly secret: string }>).right;
    if (formClientId !== undefined && formClientId !== clientId) return E.left(invalidRequest('The client_id does not match the HTTP Basic credentials.', 'client_id mismatch'));
    return E.right({ _tag: 'Basic', clientId, secret });
  }
  if (formSecret !== undefined) {
    return formClientId === undefined
      ? E.left(invalidRequest('The client_id parameter is missing.', 'client_secret without client_id'))
      : E.right({ _tag: 'Post', clientId: formClientId, secret: formSecret });
  }
  if (usesAssertion) {
    if (assertion === undefined || assertionType === undefined) {
      return E.left(invalidRequest('Both client_assertion and client_assertion_type are required.', 'incomplete client assertion'));
    }
    if (assertionType !== jwtBearerAssertionType) return E.left(invalidClient('The client_assertion_type is not supported.', `assertion type ${assertionType}`));
    return E.right(formClientId === undefined ? { _tag: 'Assertion', assertion } : { _tag: 'Assertion', assertion, clientId: formClientId });
  }
  if (formClientId !== undefined) return E.right({ _tag: 'None', clientId: formClientId });
  return E.left(invalidClient('Client authentication is required.', 'no client credentials'));
};
